module example.com/agentswarm

go 1.22
