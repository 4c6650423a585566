#include "tubevision/tubevision.h"
int main(void) { return 0; }
