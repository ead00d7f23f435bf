/* fairdraw's hot loops in C: optional, never a different answer.
 *
 * The draw is millions of SHA-256 digests of short messages (Merkle leaves and nodes, one key
 * per participant per round), a sort of each fully ranked round's keys and millions of result
 * rows. In Python each digest costs a call into OpenSSL through hashlib (about a microsecond
 * here, most of it the call, not the hashing); these functions make the same OpenSSL calls in a
 * loop, with the interpreter's lock released so that Python threads run them on every core.
 *
 * Every function computes exactly what the pure-Python code beside it computes (columns.py,
 * ordering.py, results.py); the tests compare the two on the same inputs, and the package runs
 * without this module (FAIRDRAW_PURE=1, or where it was not compiled). Inputs are the buffers
 * the Python side already holds: the roster blob of canonical lines each ending in LF, int64
 * arrays of line offsets and registration-number ends, positions and ranks.
 *
 * SHA-256 is OpenSSL's (libcrypto): the low-level SHA256_* calls, which take the processor's
 * SHA extensions where it has them and let a context be copied after a shared prefix.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
#include <openssl/sha.h>

static const char HEX[] = "0123456789abcdef";

/* ---------------------------------------------------------------- argument helpers */

static int
int64_view(Py_buffer *view, const char *what, const int64_t **data, Py_ssize_t *count)
{
    if (view->len % 8) {
        PyErr_Format(PyExc_ValueError, "%s: not an array of 64-bit integers", what);
        return -1;
    }
    *data = (const int64_t *)view->buf;
    *count = view->len / 8;
    return 0;
}

static int
check_span(Py_ssize_t start, Py_ssize_t stop, Py_ssize_t size)
{
    if (start < 0 || stop < start || stop > size) {
        PyErr_Format(PyExc_IndexError, "span [%zd, %zd) outside [0, %zd)", start, stop, size);
        return -1;
    }
    return 0;
}

/* Offsets must rise by at least one (the LF) and stay inside the blob: checked once per call,
 * before the lock is released, so the loops below never read outside it. */
static int
check_offsets(const int64_t *o, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t blob_len)
{
    for (Py_ssize_t i = start; i < stop; i++) {
        if (o[i] < 0 || o[i + 1] <= o[i] || o[i + 1] > blob_len) {
            PyErr_Format(PyExc_ValueError, "line offsets out of order at line %zd", i);
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- digests */

/* The context after a prefix, computed once per call and copied for every message. */
static void
start_after(SHA256_CTX *base, const void *prefix, size_t len)
{
    SHA256_Init(base);
    SHA256_Update(base, prefix, len);
}

/* SHA-256(prefix || message) into out (32 bytes), from the context after the prefix. */
static void
digest_after(const SHA256_CTX *base, const unsigned char *message, size_t len, unsigned char *out)
{
    SHA256_CTX ctx = *base;
    SHA256_Update(&ctx, message, len);
    SHA256_Final(out, &ctx);
}

/* ---------------------------------------------------------------- leaves(blob, offsets, a, b) */

PyDoc_STRVAR(leaves_doc,
"leaves(blob, offsets, start, stop) -> bytes\n\n"
"SHA-256(0x00 || line) of lines start..stop-1 (line i is blob[offsets[i]:offsets[i+1]-1]),\n"
"32 bytes each.");

static PyObject *
speedups_leaves(PyObject *self, PyObject *args)
{
    Py_buffer blob, offs;
    Py_ssize_t start, stop, lines;
    const int64_t *o;
    PyObject *out = NULL;
    if (!PyArg_ParseTuple(args, "y*y*nn", &blob, &offs, &start, &stop))
        return NULL;
    if (int64_view(&offs, "offsets", &o, &lines) < 0 || check_span(start, stop, lines - 1) < 0
        || check_offsets(o, start, stop, blob.len) < 0)
        goto done;
    out = PyBytes_FromStringAndSize(NULL, 32 * (stop - start));
    if (out == NULL)
        goto done;
    {
        unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
        const unsigned char *src = (const unsigned char *)blob.buf;
        Py_BEGIN_ALLOW_THREADS
        SHA256_CTX base;
        start_after(&base, "\x00", 1);
        for (Py_ssize_t i = start; i < stop; i++, dst += 32)
            digest_after(&base, src + o[i], (size_t)(o[i + 1] - 1 - o[i]), dst);
        Py_END_ALLOW_THREADS
    }
done:
    PyBuffer_Release(&blob);
    PyBuffer_Release(&offs);
    return out;
}

/* ---------------------------------------------------------------- nodes(level, a, b) */

PyDoc_STRVAR(nodes_doc,
"nodes(level, start, stop) -> bytes\n\n"
"SHA-256(0x01 || level[64 j : 64 j + 64]) for pairs j in start..stop-1, 32 bytes each.");

static PyObject *
speedups_nodes(PyObject *self, PyObject *args)
{
    Py_buffer level;
    Py_ssize_t start, stop;
    PyObject *out = NULL;
    if (!PyArg_ParseTuple(args, "y*nn", &level, &start, &stop))
        return NULL;
    if (check_span(start, stop, level.len / 64) < 0)
        goto done;
    out = PyBytes_FromStringAndSize(NULL, 32 * (stop - start));
    if (out == NULL)
        goto done;
    {
        unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
        const unsigned char *src = (const unsigned char *)level.buf;
        Py_BEGIN_ALLOW_THREADS
        SHA256_CTX base;
        start_after(&base, "\x01", 1);
        for (Py_ssize_t j = start; j < stop; j++, dst += 32)
            digest_after(&base, src + 64 * j, 64, dst);
        Py_END_ALLOW_THREADS
    }
done:
    PyBuffer_Release(&level);
    return out;
}

/* ------------------------------------------- keys(prefix, blob, offsets, ends, positions, a, b) */

PyDoc_STRVAR(keys_doc,
"keys(prefix, blob, offsets, ends, positions, start, stop) -> bytes\n\n"
"SHA-256(prefix || registration number) of entries positions[start..stop-1] (every entry\n"
"start..stop-1 when positions is None); entry i's number is blob[offsets[i]:ends[i]].");

static PyObject *
speedups_keys(PyObject *self, PyObject *args)
{
    Py_buffer prefix, blob, offs, ends, pos = {0};
    PyObject *positions, *out = NULL;
    Py_ssize_t start, stop, lines, nends, npos = 0;
    const int64_t *o, *e, *p = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*y*Onn", &prefix, &blob, &offs, &ends, &positions, &start,
                          &stop))
        return NULL;
    if (int64_view(&offs, "offsets", &o, &lines) < 0 || int64_view(&ends, "ends", &e, &nends) < 0)
        goto done;
    lines -= 1;
    if (nends < lines) {
        PyErr_SetString(PyExc_ValueError, "ends: fewer than the lines");
        goto done;
    }
    if (positions != Py_None) {
        if (PyObject_GetBuffer(positions, &pos, PyBUF_SIMPLE) < 0)
            goto done;
        if (int64_view(&pos, "positions", &p, &npos) < 0)
            goto done;
    }
    else {
        npos = lines;
    }
    if (check_span(start, stop, npos) < 0)
        goto done;
    for (Py_ssize_t k = start; k < stop; k++) {
        int64_t i = p ? p[k] : k;
        if (i < 0 || i >= lines || o[i] < 0 || e[i] < o[i] || e[i] > blob.len) {
            PyErr_Format(PyExc_IndexError, "position %zd: no such entry", (Py_ssize_t)i);
            goto done;
        }
    }
    out = PyBytes_FromStringAndSize(NULL, 32 * (stop - start));
    if (out == NULL)
        goto done;
    {
        unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
        const unsigned char *src = (const unsigned char *)blob.buf;
        int64_t bad = 0;
        int failed = 0;
        Py_BEGIN_ALLOW_THREADS
        SHA256_CTX base;
        start_after(&base, prefix.buf, (size_t)prefix.len);
        for (Py_ssize_t k = start; k < stop; k++, dst += 32) {
            int64_t i = p ? p[k] : k;
            if (i < 0 || i >= lines || o[i] < 0 || e[i] < o[i] || e[i] > blob.len) {
                bad = i;  /* changed by another thread since the check above */
                failed = 1;
                break;
            }
            digest_after(&base, src + o[i], (size_t)(e[i] - o[i]), dst);
        }
        Py_END_ALLOW_THREADS
        if (failed) {
            PyErr_Format(PyExc_IndexError, "position %zd: no such entry", (Py_ssize_t)bad);
            Py_CLEAR(out);
        }
    }
done:
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&offs);
    PyBuffer_Release(&ends);
    if (pos.obj != NULL)
        PyBuffer_Release(&pos);
    return out;
}

/* ---------------------------------------------------------------- scan(blob, offsets, a, b) */

/* The canonical entry line (spec §3.2), as columns.py's regular expression states it:
 *   ([0-9A-Z][0-9A-Z._-]{0,63}),([a-z][a-z0-9_]{0,31}(?:;[a-z][a-z0-9_]{0,31})*),[0-9a-f]{64}
 * Returns 0 and the ends of the number and the pools when line [s, t) matches, -1 if not. */
static int
is_upper_digit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

static int
parse_line(const unsigned char *b, Py_ssize_t s, Py_ssize_t t, Py_ssize_t *regno_end,
           Py_ssize_t *pools_end)
{
    Py_ssize_t k = s;
    if (k >= t || !is_upper_digit(b[k]))
        return -1;
    k++;
    while (k < t && (is_upper_digit(b[k]) || b[k] == '.' || b[k] == '_' || b[k] == '-')) {
        if (k - s >= 64)
            return -1;
        k++;
    }
    if (k >= t || b[k] != ',')
        return -1;
    *regno_end = k;
    k++;
    for (;;) {  /* one pool name, then ';' or ',' */
        Py_ssize_t name = k;
        if (k >= t || b[k] < 'a' || b[k] > 'z')
            return -1;
        k++;
        while (k < t && ((b[k] >= 'a' && b[k] <= 'z') || (b[k] >= '0' && b[k] <= '9')
                         || b[k] == '_')) {
            if (k - name >= 32)
                return -1;
            k++;
        }
        if (k < t && b[k] == ';') {
            k++;
            continue;
        }
        break;
    }
    if (k >= t || b[k] != ',')
        return -1;
    *pools_end = k;
    k++;
    if (t - k != 64)
        return -1;
    for (; k < t; k++)
        if (!((b[k] >= '0' && b[k] <= '9') || (b[k] >= 'a' && b[k] <= 'f')))
            return -1;
    return 0;
}

PyDoc_STRVAR(scan_doc,
"scan(blob, offsets, start, stop) -> (ends, codes, pools) or None\n\n"
"Lines start..stop-1 checked against the canonical grammar and for a registration number\n"
"equal to the line before's: None if any fails. Else ends (int64 bytes: where each number\n"
"ends), codes (a byte each) and pools (the distinct pool texts, in order of first use, at\n"
"most 255).");

#define MAX_POOLSETS 255

static PyObject *
speedups_scan(PyObject *self, PyObject *args)
{
    Py_buffer blob, offs;
    Py_ssize_t start, stop, lines;
    const int64_t *o;
    PyObject *ends = NULL, *codes = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*nn", &blob, &offs, &start, &stop))
        return NULL;
    if (int64_view(&offs, "offsets", &o, &lines) < 0 || check_span(start, stop, lines - 1) < 0
        || check_offsets(o, start > 0 ? start - 1 : start, stop, blob.len) < 0)
        goto done;
    ends = PyBytes_FromStringAndSize(NULL, 8 * (stop - start));
    codes = PyBytes_FromStringAndSize(NULL, stop - start);
    if (ends == NULL || codes == NULL)
        goto done;
    {
        const unsigned char *b = (const unsigned char *)blob.buf;
        int64_t *end_out = (int64_t *)PyBytes_AS_STRING(ends);
        unsigned char *code_out = (unsigned char *)PyBytes_AS_STRING(codes);
        Py_ssize_t pool_at[MAX_POOLSETS], pool_len[MAX_POOLSETS];
        int npools = 0, ok = 1;
        Py_ssize_t prev_at = 0, prev_len = -1; /* no previous number */
        Py_BEGIN_ALLOW_THREADS
        if (start > 0) {
            Py_ssize_t r, q;
            if (parse_line(b, o[start - 1], o[start] - 1, &r, &q) == 0) {
                prev_at = o[start - 1];
                prev_len = r - prev_at;
            }
            else {
                prev_len = 0;  /* as the Python scan: an unmatched line before compares as b"" */
            }
        }
        for (Py_ssize_t i = start; i < stop; i++) {
            Py_ssize_t r, q, s = o[i];
            if (parse_line(b, s, o[i + 1] - 1, &r, &q) < 0) {
                ok = 0;
                break;
            }
            if (prev_len == r - s && memcmp(b + prev_at, b + s, (size_t)prev_len) == 0) {
                ok = 0;  /* the same registration number twice */
                break;
            }
            prev_at = s;
            prev_len = r - s;
            Py_ssize_t pat = r + 1, plen = q - r - 1;
            int c = 0;
            while (c < npools && !(pool_len[c] == plen && memcmp(b + pool_at[c], b + pat, (size_t)plen) == 0))
                c++;
            if (c == npools) {
                if (npools == MAX_POOLSETS) {
                    ok = 0;
                    break;
                }
                pool_at[npools] = pat;
                pool_len[npools] = plen;
                npools++;
            }
            code_out[i - start] = (unsigned char)c;
            end_out[i - start] = (int64_t)r;
        }
        Py_END_ALLOW_THREADS
        if (!ok) {
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        PyObject *pools = PyList_New(npools);
        if (pools == NULL)
            goto done;
        for (int c = 0; c < npools; c++) {
            PyObject *text = PyBytes_FromStringAndSize((const char *)b + pool_at[c], pool_len[c]);
            if (text == NULL) {
                Py_DECREF(pools);
                goto done;
            }
            PyList_SET_ITEM(pools, c, text);
        }
        result = PyTuple_Pack(3, ends, codes, pools);
        Py_DECREF(pools);
    }
done:
    Py_XDECREF(ends);
    Py_XDECREF(codes);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&offs);
    return result;
}

/* ---------------------------------------------------------------- order and smallest */

/* Keys are compared as bytes, ties by position (spec §7.2). A record holds a key's first eight
 * bytes as a big-endian integer and its position; the remaining 24 bytes are read from the blob
 * only when the first eight are equal. */
typedef struct {
    uint64_t head;
    int64_t index;
} keyrec;

static _Thread_local const unsigned char *sort_keys;

static uint64_t
head_of(const unsigned char *k)
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | k[i];
    return h;
}

static int
keyrec_cmp(const void *pa, const void *pb)
{
    const keyrec *a = pa, *b = pb;
    if (a->head != b->head)
        return a->head < b->head ? -1 : 1;
    int c = memcmp(sort_keys + 32 * a->index + 8, sort_keys + 32 * b->index + 8, 24);
    if (c)
        return c;
    return (a->index > b->index) - (a->index < b->index);
}

PyDoc_STRVAR(order_doc,
"order(keys) -> (order, ranks)\n\n"
"keys: 32 bytes each. order: positions sorted by (key, position), int64 bytes; ranks:\n"
"ranks[order[p]] = p + 1, int64 bytes.");

static PyObject *
speedups_order(PyObject *self, PyObject *args)
{
    Py_buffer keys;
    PyObject *order = NULL, *ranks = NULL, *result = NULL;
    keyrec *recs = NULL;
    if (!PyArg_ParseTuple(args, "y*", &keys))
        return NULL;
    if (keys.len % 32) {
        PyErr_SetString(PyExc_ValueError, "keys: not 32 bytes each");
        goto done;
    }
    Py_ssize_t n = keys.len / 32;
    recs = PyMem_RawMalloc(sizeof(keyrec) * (size_t)(n ? n : 1));
    order = PyBytes_FromStringAndSize(NULL, 8 * n);
    ranks = PyBytes_FromStringAndSize(NULL, 8 * n);
    if (recs == NULL || order == NULL || ranks == NULL) {
        if (recs == NULL)
            PyErr_NoMemory();
        goto done;
    }
    {
        const unsigned char *k = (const unsigned char *)keys.buf;
        int64_t *ord = (int64_t *)PyBytes_AS_STRING(order);
        int64_t *rk = (int64_t *)PyBytes_AS_STRING(ranks);
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t j = 0; j < n; j++) {
            recs[j].head = head_of(k + 32 * j);
            recs[j].index = j;
        }
        sort_keys = k;
        qsort(recs, (size_t)n, sizeof(keyrec), keyrec_cmp);
        for (Py_ssize_t p = 0; p < n; p++) {
            ord[p] = recs[p].index;
            rk[recs[p].index] = p + 1;
        }
        Py_END_ALLOW_THREADS
    }
    result = PyTuple_Pack(2, order, ranks);
done:
    PyMem_RawFree(recs);
    Py_XDECREF(order);
    Py_XDECREF(ranks);
    PyBuffer_Release(&keys);
    return result;
}

/* A max-heap of the `count` smallest records seen so far. */
static void
sift_down(keyrec *heap, Py_ssize_t size, Py_ssize_t at)
{
    for (;;) {
        Py_ssize_t big = at, l = 2 * at + 1, r = l + 1;
        if (l < size && keyrec_cmp(&heap[l], &heap[big]) > 0)
            big = l;
        if (r < size && keyrec_cmp(&heap[r], &heap[big]) > 0)
            big = r;
        if (big == at)
            return;
        keyrec t = heap[at];
        heap[at] = heap[big];
        heap[big] = t;
        at = big;
    }
}

PyDoc_STRVAR(smallest_doc,
"smallest(keys, count) -> bytes\n\n"
"The positions of the `count` smallest keys (32 bytes each) by (key, position), ascending,\n"
"as int64 bytes.");

static PyObject *
speedups_smallest(PyObject *self, PyObject *args)
{
    Py_buffer keys;
    Py_ssize_t count;
    PyObject *out = NULL;
    keyrec *heap = NULL;
    if (!PyArg_ParseTuple(args, "y*n", &keys, &count))
        return NULL;
    if (keys.len % 32) {
        PyErr_SetString(PyExc_ValueError, "keys: not 32 bytes each");
        goto done;
    }
    Py_ssize_t n = keys.len / 32;
    if (count < 0)
        count = 0;
    if (count > n)
        count = n;
    heap = PyMem_RawMalloc(sizeof(keyrec) * (size_t)(count ? count : 1));
    out = PyBytes_FromStringAndSize(NULL, 8 * count);
    if (heap == NULL || out == NULL) {
        if (heap == NULL)
            PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    {
        const unsigned char *k = (const unsigned char *)keys.buf;
        int64_t *dst = (int64_t *)PyBytes_AS_STRING(out);
        Py_BEGIN_ALLOW_THREADS
        sort_keys = k;
        Py_ssize_t size = 0;
        for (Py_ssize_t j = 0; j < n && count > 0; j++) {
            keyrec rec = {head_of(k + 32 * j), j};
            if (size < count) {
                Py_ssize_t at = size++;
                heap[at] = rec;
                while (at > 0) {  /* sift up */
                    Py_ssize_t parent = (at - 1) / 2;
                    if (keyrec_cmp(&heap[at], &heap[parent]) <= 0)
                        break;
                    keyrec t = heap[at];
                    heap[at] = heap[parent];
                    heap[parent] = t;
                    at = parent;
                }
            }
            else if (keyrec_cmp(&rec, &heap[0]) < 0) {
                heap[0] = rec;
                sift_down(heap, size, 0);
            }
        }
        qsort(heap, (size_t)size, sizeof(keyrec), keyrec_cmp);
        for (Py_ssize_t p = 0; p < size; p++)
            dst[p] = heap[p].index;
        Py_END_ALLOW_THREADS
    }
done:
    PyMem_RawFree(heap);
    PyBuffer_Release(&keys);
    return out;
}

/* ---------------------------------------------------------------- result rows */

typedef struct {
    Py_buffer name, members, ranks, keys;
    const int64_t *m, *r;
    Py_ssize_t count, cursor;
} round_view;

static char *
put_int(char *d, int64_t v)
{
    char tmp[24];
    int k = 0;
    if (v < 0) {  /* never in a results file; written as Python would */
        *d++ = '-';
        v = -v;
    }
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        *d++ = tmp[--k];
    return d;
}

/* The number paired with entry i in (entries, numbers) sorted by entry, or 0 when none; the
 * cursor only moves forward because rows are written in entry order. */
static int64_t
paired(const int64_t *entries, const int64_t *numbers, Py_ssize_t count, Py_ssize_t *cursor,
       int64_t i)
{
    while (*cursor < count && entries[*cursor] < i)
        (*cursor)++;
    return (*cursor < count && entries[*cursor] == i) ? numbers[*cursor] : 0;
}

static Py_ssize_t
first_at_least(const int64_t *a, Py_ssize_t n, int64_t value)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (a[mid] < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

PyDoc_STRVAR(rows_doc,
"rows(blob, offsets, start, stop, decided, won, rounds, waitlist, choice) -> bytes\n\n"
"Rows start..stop-1 of the results file (spec §9), each ending in LF. rounds: a sequence of\n"
"(name, members, ranks, keys), members ascending (int64), ranks aligned (int64), keys 32\n"
"bytes each aligned; waitlist and choice: (entries ascending, numbers), int64 each.");

static PyObject *
speedups_rows(PyObject *self, PyObject *args)
{
    Py_buffer blob, offs, decided, won, wl_e, wl_n, ch_e, ch_n;
    PyObject *rounds_obj, *out = NULL, *seq = NULL;
    Py_ssize_t start, stop, lines, nrounds = 0, made = 0;
    const int64_t *o;
    round_view *rounds = NULL;
    if (!PyArg_ParseTuple(args, "y*y*nny*y*O(y*y*)(y*y*)", &blob, &offs, &start, &stop, &decided,
                          &won, &rounds_obj, &wl_e, &wl_n, &ch_e, &ch_n))
        return NULL;
    const int64_t *wle = NULL, *wln = NULL, *che = NULL, *chn = NULL;
    Py_ssize_t nwl = 0, nwl2 = 0, nch = 0, nch2 = 0;
    if (int64_view(&offs, "offsets", &o, &lines) < 0 || check_span(start, stop, lines - 1) < 0
        || check_offsets(o, start, stop, blob.len) < 0
        || int64_view(&wl_e, "waitlist", &wle, &nwl) < 0
        || int64_view(&wl_n, "waitlist", &wln, &nwl2) < 0
        || int64_view(&ch_e, "choice", &che, &nch) < 0
        || int64_view(&ch_n, "choice", &chn, &nch2) < 0)
        goto done;
    if (nwl != nwl2 || nch != nch2 || decided.len < lines - 1 || won.len < lines - 1) {
        PyErr_SetString(PyExc_ValueError, "rows: arrays of different lengths");
        goto done;
    }
    seq = PySequence_Fast(rounds_obj, "rounds must be a sequence");
    if (seq == NULL)
        goto done;
    nrounds = PySequence_Fast_GET_SIZE(seq);
    rounds = PyMem_Calloc((size_t)(nrounds ? nrounds : 1), sizeof(round_view));
    if (rounds == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t longest_name = 0;
    for (; made < nrounds; made++) {
        round_view *rv = &rounds[made];
        Py_ssize_t nranks = 0;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, made), "y*y*y*y*", &rv->name,
                              &rv->members, &rv->ranks, &rv->keys))
            goto done;
        if (int64_view(&rv->members, "members", &rv->m, &rv->count) < 0
            || int64_view(&rv->ranks, "ranks", &rv->r, &nranks) < 0) {
            made++;
            goto done;
        }
        if (nranks != rv->count || rv->keys.len != 32 * rv->count) {
            made++;
            PyErr_SetString(PyExc_ValueError, "rows: a round's members, ranks and keys differ");
            goto done;
        }
        rv->cursor = first_at_least(rv->m, rv->count, start);
        if (rv->name.len > longest_name)
            longest_name = rv->name.len;
    }
    /* every row: its line, then ",name,rank,outcome,key,waitlist,choice\n" */
    Py_ssize_t bound = (o[stop] - o[start]) + (stop - start) * (longest_name + 6 * 21 + 64 + 8);
    out = PyBytes_FromStringAndSize(NULL, bound);
    if (out == NULL)
        goto done;
    {
        const unsigned char *b = (const unsigned char *)blob.buf;
        const unsigned char *dec = (const unsigned char *)decided.buf;
        const unsigned char *w = (const unsigned char *)won.buf;
        char *d = PyBytes_AS_STRING(out);
        Py_ssize_t wl_cursor = first_at_least(wle, nwl, start);
        Py_ssize_t ch_cursor = first_at_least(che, nch, start);
        Py_ssize_t missing = -1;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = start; i < stop; i++) {
            Py_ssize_t r = dec[i];
            if (r >= nrounds) {
                missing = i;
                break;
            }
            round_view *rv = &rounds[r];
            while (rv->cursor < rv->count && rv->m[rv->cursor] < i)
                rv->cursor++;
            if (rv->cursor >= rv->count || rv->m[rv->cursor] != i) {
                missing = i;
                break;
            }
            Py_ssize_t j = rv->cursor;
            Py_ssize_t len = o[i + 1] - 1 - o[i];
            memcpy(d, b + o[i], (size_t)len);
            d += len;
            *d++ = ',';
            memcpy(d, rv->name.buf, (size_t)rv->name.len);
            d += rv->name.len;
            *d++ = ',';
            d = put_int(d, rv->r[j]);
            if (w[i]) {
                memcpy(d, ",won,", 5);
                d += 5;
            }
            else {
                memcpy(d, ",lost,", 6);
                d += 6;
            }
            const unsigned char *key = (const unsigned char *)rv->keys.buf + 32 * j;
            for (int k = 0; k < 32; k++) {
                *d++ = HEX[key[k] >> 4];
                *d++ = HEX[key[k] & 15];
            }
            *d++ = ',';
            int64_t number = paired(wle, wln, nwl, &wl_cursor, i);
            if (number)
                d = put_int(d, number);
            *d++ = ',';
            number = paired(che, chn, nch, &ch_cursor, i);
            if (number)
                d = put_int(d, number);
            *d++ = '\n';
        }
        Py_END_ALLOW_THREADS
        if (missing >= 0) {
            PyErr_Format(PyExc_RuntimeError,
                         "internal error: entry %zd has no rank in the round that decided it",
                         missing);
            Py_CLEAR(out);
            goto done;
        }
        if (_PyBytes_Resize(&out, d - PyBytes_AS_STRING(out)) < 0)
            goto done;
    }
done:
    for (Py_ssize_t k = 0; k < made; k++) {
        PyBuffer_Release(&rounds[k].name);
        PyBuffer_Release(&rounds[k].members);
        PyBuffer_Release(&rounds[k].ranks);
        PyBuffer_Release(&rounds[k].keys);
    }
    PyMem_Free(rounds);
    Py_XDECREF(seq);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&offs);
    PyBuffer_Release(&decided);
    PyBuffer_Release(&won);
    PyBuffer_Release(&wl_e);
    PyBuffer_Release(&wl_n);
    PyBuffer_Release(&ch_e);
    PyBuffer_Release(&ch_n);
    return out;
}

/* ---------------------------------------------------------------- sort_lines(data, start) */

/* A line of the file, for sorting: its first sixteen bytes as two big-endian integers (zero
 * past its end), where it starts and its length with its LF. Lines compare as Python compares
 * bytes: the first differing byte, else the shorter first. */
typedef struct {
    uint64_t a, b;
    int64_t at, len;
} linerec;

static _Thread_local const unsigned char *sort_data;

static int
linerec_cmp(const void *pa, const void *pb)
{
    const linerec *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    if (x->b != y->b)
        return x->b < y->b ? -1 : 1;
    int64_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(sort_data + x->at, sort_data + y->at, (size_t)n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

PyDoc_STRVAR(sort_lines_doc,
"sort_lines(data, start) -> (blob, offsets) or None\n\n"
"The lines of data[start:] (each ending in LF; data must end in LF) sorted as bytes, joined\n"
"in blob, with offsets (int64 bytes: where each line starts, then len(blob)). None when\n"
"there is no line or an empty one.");

static PyObject *
speedups_sort_lines(PyObject *self, PyObject *args)
{
    Py_buffer data;
    Py_ssize_t start;
    PyObject *blob = NULL, *offsets = NULL, *result = NULL;
    linerec *recs = NULL;
    if (!PyArg_ParseTuple(args, "y*n", &data, &start))
        return NULL;
    const unsigned char *d = (const unsigned char *)data.buf;
    if (start < 0 || start > data.len || data.len == 0 || d[data.len - 1] != '\n') {
        PyErr_SetString(PyExc_ValueError, "sort_lines: data must end in LF after start");
        goto done;
    }
    Py_ssize_t count = 0;
    for (const unsigned char *q = d + start; q < d + data.len;) {
        const unsigned char *lf = memchr(q, '\n', (size_t)(d + data.len - q));
        if (lf == NULL)
            break;  /* cannot happen: data ends in LF */
        if (lf == q) {  /* an empty line */
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        count++;
        q = lf + 1;
    }
    if (count == 0) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    recs = PyMem_RawMalloc(sizeof(linerec) * (size_t)count);
    blob = PyBytes_FromStringAndSize(NULL, data.len - start);
    offsets = PyBytes_FromStringAndSize(NULL, 8 * (count + 1));
    if (recs == NULL || blob == NULL || offsets == NULL) {
        if (recs == NULL)
            PyErr_NoMemory();
        goto done;
    }
    {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(blob);
        int64_t *off = (int64_t *)PyBytes_AS_STRING(offsets);
        Py_ssize_t k = 0, found;
        int64_t at = 0;
        Py_BEGIN_ALLOW_THREADS
        for (const unsigned char *q = d + start; q < d + data.len && k < count; k++) {
            const unsigned char *lf = memchr(q, '\n', (size_t)(d + data.len - q));
            if (lf == NULL)
                lf = d + data.len - 1;
            int64_t len = lf + 1 - q;
            uint64_t head[2] = {0, 0};
            for (int j = 0; j < 16; j++)
                head[j / 8] = (head[j / 8] << 8) | (j < len ? q[j] : 0);
            recs[k].a = head[0];
            recs[k].b = head[1];
            recs[k].at = q - d;
            recs[k].len = len;
            q = lf + 1;
        }
        found = k;
        sort_data = d;
        qsort(recs, (size_t)found, sizeof(linerec), linerec_cmp);
        for (k = 0; k < found; k++) {
            off[k] = at;
            memcpy(out + at, d + recs[k].at, (size_t)recs[k].len);
            at += recs[k].len;
        }
        off[found] = at;
        Py_END_ALLOW_THREADS
        if (found != count || at != data.len - start) {
            PyErr_SetString(PyExc_RuntimeError, "sort_lines: the data changed while being read");
            goto done;
        }
    }
    result = PyTuple_Pack(2, blob, offsets);
done:
    PyMem_RawFree(recs);
    Py_XDECREF(blob);
    Py_XDECREF(offsets);
    PyBuffer_Release(&data);
    return result;
}

/* ---------------------------------------------------------------- select(flags, value, among) */

PyDoc_STRVAR(select_doc,
"select(flags, value, among) -> bytes\n\n"
"The positions p (int64 bytes, in the order given) with flags[p] == value: p runs over\n"
"among (int64) or, when among is None, over every position of flags.");

static PyObject *
speedups_select(PyObject *self, PyObject *args)
{
    Py_buffer flags, in = {0};
    PyObject *among, *out = NULL;
    int value;
    Py_ssize_t count;
    const int64_t *p = NULL;
    if (!PyArg_ParseTuple(args, "y*iO", &flags, &value, &among))
        return NULL;
    if (among != Py_None) {
        if (PyObject_GetBuffer(among, &in, PyBUF_SIMPLE) < 0)
            goto done;
        if (int64_view(&in, "among", &p, &count) < 0)
            goto done;
        for (Py_ssize_t k = 0; k < count; k++)
            if (p[k] < 0 || p[k] >= flags.len) {
                PyErr_Format(PyExc_IndexError, "position %zd: outside the flags", (Py_ssize_t)p[k]);
                goto done;
            }
    }
    else {
        count = flags.len;
    }
    out = PyBytes_FromStringAndSize(NULL, 8 * count);
    if (out == NULL)
        goto done;
    {
        const unsigned char *f = (const unsigned char *)flags.buf;
        int64_t *dst = (int64_t *)PyBytes_AS_STRING(out), *start = dst;
        int64_t bad = 0;
        int failed = 0;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t k = 0; k < count; k++) {
            int64_t pos = p ? p[k] : k;
            if (pos < 0 || pos >= flags.len) {
                bad = pos;  /* changed by another thread since the check above */
                failed = 1;
                break;
            }
            if (f[pos] == value)
                *dst++ = pos;
        }
        Py_END_ALLOW_THREADS
        if (failed) {
            PyErr_Format(PyExc_IndexError, "position %zd: outside the flags", (Py_ssize_t)bad);
            Py_CLEAR(out);
            goto done;
        }
        if (_PyBytes_Resize(&out, 8 * (dst - start)) < 0)
            goto done;
    }
done:
    PyBuffer_Release(&flags);
    if (in.obj != NULL)
        PyBuffer_Release(&in);
    return out;
}

/* ---------------------------------------------------------------- module */

static PyMethodDef speedups_methods[] = {
    {"leaves", speedups_leaves, METH_VARARGS, leaves_doc},
    {"nodes", speedups_nodes, METH_VARARGS, nodes_doc},
    {"keys", speedups_keys, METH_VARARGS, keys_doc},
    {"scan", speedups_scan, METH_VARARGS, scan_doc},
    {"order", speedups_order, METH_VARARGS, order_doc},
    {"smallest", speedups_smallest, METH_VARARGS, smallest_doc},
    {"rows", speedups_rows, METH_VARARGS, rows_doc},
    {"sort_lines", speedups_sort_lines, METH_VARARGS, sort_lines_doc},
    {"select", speedups_select, METH_VARARGS, select_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    "_speedups",
    "fairdraw's hot loops in C over OpenSSL's SHA-256 (optional; the same answers as the "
    "pure-Python code).",
    -1,
    speedups_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&speedups_module);
}
