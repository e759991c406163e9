/*
 * The kernel's floor for sampling /proc (issue 18): what reading each file costs a C program that keeps
 * every file open and re-reads it with one pread, as ProcSampler does, with nothing else (no parsing, no JVM).
 * Starts COUNT sleep processes, reads each file of all of them ROUNDS times and prints the best round's thread
 * CPU time per process, then the sets of files Vigil's field sets need, as % of one core for COUNT processes
 * sampled once a second. Build and run: bench/proc-floor [count] [rounds] [gap_ms]
 * With gap_ms, each round waits that long before it (a sampling loop once a second: caches cold) and the median round
 * is printed instead of the best one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { STAT, STATUS, STATM, IO, CHILDREN, FD_DIR, FILES };
static const char *NAMES[FILES] = {"stat", "status", "statm", "io", "task/PID/children", "fd/ (fstat: its size is the count)"};

static double cpu_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int count, rounds, gap_ms;
static int cmpd(const void *a, const void *b) { double x = *(const double *) a, y = *(const double *) b; return x < y ? -1 : x > y; }
static int *fds;
static char buf[16384];

/* Best round's µs per process for reading the files in mask, one process after another. */
static double cost(int mask) {
  double best = 1e18;
  double *all = malloc(rounds * sizeof(double));
  for (int r = 0; r < rounds; r++) {
    if (gap_ms > 0) usleep(gap_ms * 1000);
    double t0 = cpu_us();
    for (int i = 0; i < count; i++) {
      for (int f = 0; f < FILES; f++) {
        if (!(mask & 1 << f)) continue;
        int fd = fds[i * FILES + f];
        if (f == FD_DIR) {
          struct stat st;
          fstat(fd, &st);
        } else if (pread(fd, buf, sizeof buf, 0) < 0) {
          perror("pread");
          exit(1);
        }
      }
    }
    double t = (cpu_us() - t0) / count;
    all[r] = t;
    if (r > 0 && t < best) best = t; /* round 0 warms the caches */
  }
  if (gap_ms > 0) { qsort(all + 1, rounds - 1, sizeof(double), cmpd); best = all[1 + (rounds - 1) / 2]; }
  free(all);
  return best;
}

int main(int argc, char **argv) {
  count = argc > 1 ? atoi(argv[1]) : 1000;
  rounds = argc > 2 ? atoi(argv[2]) : 20;
  gap_ms = argc > 3 ? atoi(argv[3]) : 0;
  pid_t *pids = malloc(count * sizeof(pid_t));
  fds = malloc(count * FILES * sizeof(int));
  for (int i = 0; i < count; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      execlp("sleep", "sleep", "600", (char *) NULL);
      _exit(127);
    }
  }
  usleep(500000);
  char path[128];
  for (int i = 0; i < count; i++) {
    for (int f = 0; f < FILES; f++) {
      static const char *FILE_NAMES[FILES] = {"stat", "status", "statm", "io", NULL, "fd"};
      if (f == CHILDREN) snprintf(path, sizeof path, "/proc/%d/task/%d/children", pids[i], pids[i]);
      else snprintf(path, sizeof path, "/proc/%d/%s", pids[i], FILE_NAMES[f]);
      fds[i * FILES + f] = open(path, O_RDONLY | O_CLOEXEC | (f == FD_DIR ? O_DIRECTORY : 0));
      if (fds[i * FILES + f] < 0) {
        perror(path);
        return 1;
      }
    }
  }
  printf("| file (kept open, one pread) | µs per process, %s of %d rounds%s | %% of one core for %d every second |\n|---|---|---|\n",
      gap_ms > 0 ? "median" : "best", rounds - 1, gap_ms > 0 ? ", each after a pause" : "", count);
  for (int f = 0; f < FILES; f++) {
    double c = cost(1 << f);
    printf("| %s | %.2f | %.2f %% |\n", NAMES[f], c, c * count / 1e4);
  }
  struct { const char *name; int mask; } sets[] = {
      {"CPU alone, a tree (stat, children)", 1 << STAT | 1 << CHILDREN},
      {"CPU + exact resident memory, a tree (stat, statm, children)", 1 << STAT | 1 << STATM | 1 << CHILDREN},
      {"the Micrometer binding's every meter, a tree (stat, status, io, children, fd/)",
          1 << STAT | 1 << STATUS | 1 << IO | 1 << CHILDREN | 1 << FD_DIR},
  };
  for (unsigned s = 0; s < sizeof sets / sizeof sets[0]; s++) {
    double c = cost(sets[s].mask);
    printf("| %s | %.2f | %.2f %% |\n", sets[s].name, c, c * count / 1e4);
  }
  for (int i = 0; i < count; i++) kill(pids[i], SIGKILL);
  for (int i = 0; i < count; i++) waitpid(pids[i], NULL, 0);
  return 0;
}
