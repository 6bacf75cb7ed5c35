/* beta stores. */
int beta_open(const char *path);
void beta_close(int handle);
