package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls the Linux backend makes, mapped by JNA. Errno arrives as {@link LastErrorException};
 * the facades in this package turn it into {@link NativeCallException}s that name the call.
 * Constants are Linux's (x86-64 and aarch64 share every number used here).
 */
interface LinuxLibC extends Library {
  LinuxLibC INSTANCE = Native.load("c", LinuxLibC.class);

  long SYS_PIDFD_SEND_SIGNAL = 424;
  long SYS_PIDFD_OPEN = 434;

  int PR_SET_PDEATHSIG = 1;
  int PR_SET_CHILD_SUBREAPER = 36;
  int PR_GET_CHILD_SUBREAPER = 37;

  int P_PID = 1;
  int P_PIDFD = 3;
  int WNOHANG = 1;
  int WEXITED = 4;

  int CLD_EXITED = 1;
  int CLD_KILLED = 2;
  int CLD_DUMPED = 3;

  int O_RDONLY = 0;
  int O_NONBLOCK = 0x800;
  int O_CLOEXEC = 0x80000;

  int F_GETFL = 3;
  int F_SETFL = 4;
  int F_DUPFD_CLOEXEC = 1030;

  int EFD_NONBLOCK = 0x800;
  int EFD_CLOEXEC = 0x80000;

  short POLLIN = 0x1;
  short POLLPRI = 0x2;
  short POLLERR = 0x8;
  short POLLHUP = 0x10;
  short POLLNVAL = 0x20;

  short POSIX_SPAWN_SETPGROUP = 0x02;
  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;
  short POSIX_SPAWN_SETSID = 0x80;

  int RLIMIT_CORE = 4;
  int RLIMIT_NOFILE = 7;

  int _SC_CLK_TCK = 2;
  int _SC_PAGESIZE = 30;

  int EINTR = 4;
  int EAGAIN = 11;
  int ESRCH = 3;
  int ECHILD = 10;
  int ENOSYS = 38;

  int AF_UNIX = 1;
  int SOCK_DGRAM = 2;
  int SOCK_NONBLOCK = 0x800;
  int SOCK_CLOEXEC = 0x80000;
  int MSG_DONTWAIT = 0x40;
  int UNIX_PATH_MAX = 108;

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int bind(int fd, Pointer address, int length) throws LastErrorException;

  long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

  long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength) throws LastErrorException;

  int unlink(String path) throws LastErrorException;

  long syscall(long number, Object... args) throws LastErrorException;

  int prctl(int option, Object... args) throws LastErrorException;

  int getpid();

  int kill(int pid, int signal) throws LastErrorException;

  int waitid(int idtype, int id, Pointer siginfo, int options) throws LastErrorException;

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int eventfd(int initval, int flags) throws LastErrorException;

  int fcntl(int fd, int cmd, Object... args) throws LastErrorException;

  int open(String path, int flags, Object... mode) throws LastErrorException;

  long read(int fd, Pointer buffer, long count) throws LastErrorException;

  long write(int fd, Pointer buffer, long count) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  long lseek(int fd, long offset, int whence) throws LastErrorException;

  int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

  long sysconf(int name) throws LastErrorException;

  int getrlimit(int resource, Pointer rlim) throws LastErrorException;

  int setrlimit(int resource, Pointer rlim) throws LastErrorException;

  // posix_spawn returns an error number instead of setting errno.
  int posix_spawn(Pointer pid, Pointer path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

  int posix_spawn_file_actions_init(Pointer fileActions);

  int posix_spawn_file_actions_destroy(Pointer fileActions);

  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, Pointer path, int flags, int mode);

  int posix_spawn_file_actions_addchdir_np(Pointer fileActions, Pointer path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int sigemptyset(Pointer sigset);

  int sigfillset(Pointer sigset);

  String strerror(int errnum);
}
