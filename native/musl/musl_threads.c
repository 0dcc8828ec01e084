// native/block_all.c built with musl, whose pthread_create and pthread_exit block its application
// signals (all but 32..34) around the clone and the exit, saving the old mask: a transient, not the
// mask the worker starts with. Run as "musl_threads FILE 12": main blocks SIGUSR2, the worker inherits it.
#include "../block_all.c"
