/* alpha counts. */
int alpha_next(void);
void alpha_reset(int to);
