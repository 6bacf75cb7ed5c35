// Package gen holds the generator of the fleet's tables.
package gen
