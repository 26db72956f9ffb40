// Every exit status supervise and supervisectl end with (SPEC sections 1, 5
// and 10), named once; bin/*.sh keep the numbers with the name beside them.

export const EXIT_SUCCESS = 0;
/** supervise gave up after too many exits in one alarm window (SPEC section 5). */
export const EXIT_GAVE_UP = 1;
/** supervise failed in a way nobody planned for (a bug): the stack goes to stderr. */
export const EXIT_UNEXPECTED = 1;
/** Bad arguments, for supervise and supervisectl alike. */
export const EXIT_USAGE = 100;
/** The status directory cannot be created or is not a directory. */
export const EXIT_STATUS_DIR = 110;
/** The lock is held, or the lock, log or output files cannot be opened; also the daemon failing to start. */
export const EXIT_LOCK = 111;
/** The command's executable is not found or not executable. */
export const EXIT_COMMAND = 112;
/** bin/supervise, bin/supervisectl: no node to run us with, or not even our own path; a shell's "command not found". */
export const EXIT_NO_NODE = 127;

/** supervisectl: a single directory has no supervise running, and nothing else. */
export const EXIT_NOT_RUNNING = EXIT_LOCK;
/**
 * supervisectl: a single directory failed otherwise: stuck, or the system
 * refused us (EACCES on another user's status directory), so that a script
 * never takes a permission problem for "not running" and starts a second supervise.
 */
export const EXIT_ONE_FAILED = 1;
/** supervisectl: failed directories are counted into the exit status up to this many. */
export const MAX_FAILED_EXIT = 99;
