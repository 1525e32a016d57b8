/* bench/rss.c: run one command, report wall time and peak RSS.
 *
 * usage: rss CMD [ARG...]
 *
 * The child's stdout goes to /dev/null, stderr is inherited. Prints one line
 * on stdout:  wall=<seconds> maxrss_kib=<KiB> status=<exit status>
 *
 * Peak RSS is wait4()'s ru_maxrss: the maximum over the child and every
 * descendant it waited for (so `go tool pprof`, which runs the pprof binary
 * as a subprocess, is covered). Linux charges a process the RSS of whatever
 * it was forked from until it execs, so the forking process must be small:
 * that is why this is C and not Python (a python3 parent adds a ~14 MiB
 * floor). bench/measure.py is the fallback when no C compiler is around.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: rss CMD [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss: fork");
        return 1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
        execvp(argv[1], argv + 1);
        fprintf(stderr, "rss: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("rss: wait4");
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    printf("wall=%.3f maxrss_kib=%ld status=%d cpu=%.3f\n", wall, (long)ru.ru_maxrss, code, cpu);
    return 0;
}
