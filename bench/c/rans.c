/*
 * Plain C rANS: the native reference point for the WASM coder's throughput (bench/coder.mjs).
 *
 * Same arithmetic as the package's coder (see docs on BB-ANS): one 64-bit head per lane kept in
 * [2^31, 2^63), a stack of 32-bit words shared by all lanes, a symbol table of (start, freq) out
 * of 2^prec, and
 *   push: if head >= ((2^31 >> prec) << 32) * freq, push the low 32 bits and shift head right 32;
 *         head = (head / freq << prec) + head % freq + start
 *   pop:  cf = head & (2^prec - 1); symbol from a 2^prec lookup table;
 *         head = freq * (head >> prec) + cf - start; if head < 2^31, pull a word back.
 * Plain division, no reciprocal tables. The 2- and 4-lane variants interleave independent heads
 * over one word stack, symbol i on lane i % lanes (as in ryg_rans' interleaved coder): pushes go
 * backwards through the symbols and pops forwards, and within a group of `lanes` symbols the
 * pops update every head before any of them pulls a word, so the lanes' work can overlap.
 *
 *   gcc -O3 -o /tmp/rans bench/c/rans.c
 *   /tmp/rans [--freqs F.u32 --symbols S.u8] [--count N]
 *
 * With files it codes that workload (256 little-endian u32 frequencies summing to 2^prec, one
 * byte per symbol). Without, it draws N symbols (default 10,000,000) from p_k ~ 0.97^k quantised
 * at precision 16 exactly as bench/coder.mjs does (max(1, floor(p_k 2^16)), remainder on symbol
 * 0, xorshift32 from 0x9e3779b9), so both benchmarks code the same symbols. Each variant checks
 * the round trip (exit 1 on a mismatch), keeps the best of 5 timed repetitions and prints one JSON
 * line.
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEAD_MIN ((uint64_t)1 << 31)
#define REPEAT 5
#define MAX_PREC 24 /* the pop lookup table has 2^prec entries */

typedef struct {
    uint32_t prec;
    uint32_t start[256];
    uint32_t freq[256];
    uint8_t *lookup; /* cf -> symbol, 2^prec entries */
} Table;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *msg, const char *arg) {
    fprintf(stderr, "rans: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

static uint8_t *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0) die("cannot seek", path);
    long n = ftell(f);
    if (n < 0) die("cannot size", path);
    rewind(f);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die("cannot read", path);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* Fills start/lookup from freq[] and deduces prec from their sum. */
static void finish_table(Table *t) {
    uint64_t total = 0;
    for (int s = 0; s < 256; s++) {
        t->start[s] = (uint32_t)total;
        total += t->freq[s];
    }
    if (total == 0 || (total & (total - 1)) != 0) die("frequencies must sum to a power of two", NULL);
    uint32_t prec = 0;
    while (((uint64_t)1 << prec) < total) prec++;
    if (prec > MAX_PREC) die("precision above 24 bits is not supported", NULL);
    t->prec = prec;
    t->lookup = malloc((size_t)1 << prec);
    if (!t->lookup) die("out of memory", NULL);
    for (int s = 0; s < 256; s++) memset(t->lookup + t->start[s], s, t->freq[s]);
}

/* p_k ~ 0.97^k, k < 256, at precision 16: max(1, floor(p_k 2^16)), the remainder on symbol 0. */
static void geometric_table(Table *t) {
    /* 0.97^k by repeated multiplication (no libm needed); the floors below come out the same as
     * with pow() (checked against bench/coder.mjs's table) */
    double w[256], sum = 0, v = 1.0;
    for (int k = 0; k < 256; k++, v *= 0.97) sum += (w[k] = v);
    int64_t used = 0;
    for (int k = 0; k < 256; k++) {
        double f = w[k] / sum * 65536.0; /* positive: truncation is floor */
        t->freq[k] = f < 1 ? 1 : (uint32_t)f;
        used += t->freq[k];
    }
    t->freq[0] += (uint32_t)(65536 - used);
    finish_table(t);
}

/* xorshift32 from a fixed seed, symbol = lookup[x mod 2^prec]. */
static void draw_symbols(const Table *t, uint8_t *out, size_t n) {
    uint32_t x = 0x9e3779b9u;
    uint32_t mask = (1u << t->prec) - 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = t->lookup[x & mask];
    }
}

/* ---- the coder ------------------------------------------------------------------------------ */

/* Renormalise one head before pushing a symbol of frequency freq. */
static inline uint64_t push_renorm(uint64_t x, uint32_t freq, uint32_t prec, uint32_t **top) {
    if (x >= ((HEAD_MIN >> prec) << 32) * freq) {
        *(*top)++ = (uint32_t)x;
        x >>= 32;
    }
    return x;
}

static inline uint64_t push_update(uint64_t x, uint32_t start, uint32_t freq, uint32_t prec) {
    return ((x / freq) << prec) + x % freq + start;
}

static inline uint64_t pop_renorm(uint64_t x, uint32_t **top) {
    if (x < HEAD_MIN) x = (x << 32) | *--(*top);
    return x;
}

/* Pushes sym[0..n) (n a multiple of LANES) backwards onto LANES heads and the word stack. */
static inline __attribute__((always_inline)) uint32_t *
push_all(const Table *t, const uint8_t *sym, size_t n, uint64_t *heads, uint32_t *top, const int LANES) {
    const uint32_t prec = t->prec;
    uint64_t x[4];
    for (int j = 0; j < LANES; j++) x[j] = heads[j];
    for (size_t i = n; i > 0; i -= LANES) {
        const uint8_t *group = sym + i - LANES;
        /* words in the order the pops will want them back: lane LANES-1 first, lane 0 last */
        for (int j = LANES - 1; j >= 0; j--) x[j] = push_renorm(x[j], t->freq[group[j]], prec, &top);
        for (int j = LANES - 1; j >= 0; j--) x[j] = push_update(x[j], t->start[group[j]], t->freq[group[j]], prec);
    }
    for (int j = 0; j < LANES; j++) heads[j] = x[j];
    return top;
}

/* Pops n symbols forwards (the exact mirror of push_all). */
static inline __attribute__((always_inline)) uint32_t *
pop_all(const Table *t, uint8_t *out, size_t n, uint64_t *heads, uint32_t *top, const int LANES) {
    const uint32_t prec = t->prec;
    const uint64_t mask = ((uint64_t)1 << prec) - 1;
    uint64_t x[4];
    for (int j = 0; j < LANES; j++) x[j] = heads[j];
    for (size_t i = 0; i < n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            uint32_t cf = (uint32_t)(x[j] & mask);
            uint8_t s = t->lookup[cf];
            out[i + j] = s;
            x[j] = t->freq[s] * (x[j] >> prec) + cf - t->start[s];
        }
        for (int j = 0; j < LANES; j++) x[j] = pop_renorm(x[j], &top);
    }
    for (int j = 0; j < LANES; j++) heads[j] = x[j];
    return top;
}

static uint32_t *push_1(const Table *t, const uint8_t *s, size_t n, uint64_t *h, uint32_t *top) { return push_all(t, s, n, h, top, 1); }
static uint32_t *push_2(const Table *t, const uint8_t *s, size_t n, uint64_t *h, uint32_t *top) { return push_all(t, s, n, h, top, 2); }
static uint32_t *push_4(const Table *t, const uint8_t *s, size_t n, uint64_t *h, uint32_t *top) { return push_all(t, s, n, h, top, 4); }
static uint32_t *pop_1(const Table *t, uint8_t *o, size_t n, uint64_t *h, uint32_t *top) { return pop_all(t, o, n, h, top, 1); }
static uint32_t *pop_2(const Table *t, uint8_t *o, size_t n, uint64_t *h, uint32_t *top) { return pop_all(t, o, n, h, top, 2); }
static uint32_t *pop_4(const Table *t, uint8_t *o, size_t n, uint64_t *h, uint32_t *top) { return pop_all(t, o, n, h, top, 4); }

typedef uint32_t *(*PushFn)(const Table *, const uint8_t *, size_t, uint64_t *, uint32_t *);
typedef uint32_t *(*PopFn)(const Table *, uint8_t *, size_t, uint64_t *, uint32_t *);

static void bench(const Table *t, const uint8_t *sym, size_t count, int lanes, PushFn push, PopFn pop) {
    size_t n = count - count % (size_t)lanes;
    uint32_t *words = malloc((n + 1) * sizeof *words); /* a push adds at most one word */
    uint8_t *out = malloc(n + 1);
    if (!words || !out) die("out of memory", NULL);
    double best_push = INFINITY, best_pop = INFINITY;
    size_t used = 0;
    for (int r = 0; r < REPEAT; r++) {
        uint64_t heads[4];
        for (int j = 0; j < lanes; j++) heads[j] = HEAD_MIN;
        memset(out, 0, n);
        double t0 = now_seconds();
        uint32_t *top = push(t, sym, n, heads, words);
        double t1 = now_seconds();
        used = (size_t)(top - words);
        top = pop(t, out, n, heads, top);
        double t2 = now_seconds();
        int ok = top == words && memcmp(out, sym, n) == 0;
        for (int j = 0; j < lanes; j++) ok = ok && heads[j] == HEAD_MIN;
        if (!ok) {
            fprintf(stderr, "rans: round trip FAILED on %d lane(s)\n", lanes);
            exit(1);
        }
        if (t1 - t0 < best_push) best_push = t1 - t0;
        if (t2 - t1 < best_pop) best_pop = t2 - t1;
    }
    /* output: the word stack plus one 64-bit head per lane */
    uint64_t bits = (uint64_t)used * 32 + (uint64_t)lanes * 64;
    printf("{\"coder\":\"c-rans64\",\"lanes\":%d,\"precision\":%" PRIu32 ",\"symbols\":%zu,"
           "\"push_msym_s\":%.1f,\"pop_msym_s\":%.1f,\"bits\":%" PRIu64 "}\n",
           lanes, t->prec, n, n / best_push / 1e6, n / best_pop / 1e6, bits);
    fflush(stdout);
    free(words);
    free(out);
}

int main(int argc, char **argv) {
    const char *freqs_path = NULL, *symbols_path = NULL;
    size_t count = 10000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--freqs") && i + 1 < argc) freqs_path = argv[++i];
        else if (!strcmp(argv[i], "--symbols") && i + 1 < argc) symbols_path = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0) die("bad --count", argv[i]);
            count = (size_t)v;
        } else {
            fprintf(stderr, "usage: %s [--freqs F.u32 --symbols S.u8] [--count N]\n", argv[0]);
            return 2;
        }
    }
    if (!freqs_path != !symbols_path) die("--freqs and --symbols go together", NULL);

    Table table;
    uint8_t *symbols;
    if (freqs_path) {
        size_t size;
        uint8_t *raw = read_file(freqs_path, &size);
        if (size != 256 * 4) die("expected 256 little-endian u32 frequencies", freqs_path);
        for (int s = 0; s < 256; s++)
            table.freq[s] = (uint32_t)raw[4 * s] | (uint32_t)raw[4 * s + 1] << 8 |
                            (uint32_t)raw[4 * s + 2] << 16 | (uint32_t)raw[4 * s + 3] << 24;
        free(raw);
        finish_table(&table);
        symbols = read_file(symbols_path, &count);
        if (count == 0) die("no symbols", symbols_path);
        for (size_t i = 0; i < count; i++)
            if (table.freq[symbols[i]] == 0) die("a symbol has frequency 0", symbols_path);
    } else {
        geometric_table(&table);
        symbols = malloc(count);
        if (!symbols) die("out of memory", NULL);
        draw_symbols(&table, symbols, count);
    }

    bench(&table, symbols, count, 1, push_1, pop_1);
    bench(&table, symbols, count, 2, push_2, pop_2);
    bench(&table, symbols, count, 4, push_4, pop_4);
    free(symbols);
    free(table.lookup);
    return 0;
}
