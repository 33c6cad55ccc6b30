/*
 * The raw spawn baseline for the fork-mode benchmark: THREADS threads, each in a loop, start `cat`, write a 1 KiB
 * body to its stdin, read its stdout to the end and reap it, as fast as the machine allows, for SECONDS seconds.
 * Prints the rate in spawns per second. This is what a watchdog would do with no HTTP and no runtime around it.
 *
 * Build: gcc -O2 -pthread -o spawn spawn.c    Run: ./spawn THREADS SECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static volatile int running = 1;
static char body[1024];

static void *spawn_loop(void *count) {
    long *done = count;
    char *argv[] = { "cat", NULL };
    char out[4096];
    while (running) {
        int in_pipe[2], out_pipe[2];
        if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC)) { perror("pipe"); exit(1); }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        pid_t pid;
        if (posix_spawnp(&pid, "cat", &actions, NULL, argv, environ)) { perror("spawn"); exit(1); }
        posix_spawn_file_actions_destroy(&actions);
        close(in_pipe[0]);
        close(out_pipe[1]);
        if (write(in_pipe[1], body, sizeof body) != sizeof body) { perror("write"); exit(1); }
        close(in_pipe[1]);
        long got = 0, n;
        while ((n = read(out_pipe[0], out, sizeof out)) > 0) got += n;
        close(out_pipe[0]);
        waitpid(pid, NULL, 0);
        if (got != sizeof body) { fprintf(stderr, "short read\n"); exit(1); }
        (*done)++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 8;
    int seconds = argc > 2 ? atoi(argv[2]) : 10;
    memset(body, 'x', sizeof body);
    pthread_t tid[threads];
    long counts[threads];
    for (int i = 0; i < threads; i++) { counts[i] = 0; pthread_create(&tid[i], NULL, spawn_loop, &counts[i]); }
    sleep(seconds);
    running = 0;
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(tid[i], NULL); total += counts[i]; }
    printf("%.1f\n", (double) total / seconds);
    return 0;
}
