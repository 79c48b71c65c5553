/* The article finder's per-block work in C: the boosted trees (score and path
 * contributions), the block features, the second stage's context features,
 * the first stage's probabilities and the HMM; and the title ranker's block and text rows.
 *
 * Every result is the pure-Python path's, bit for bit: the same IEEE double
 * operations in the same order (built with -ffp-contract=off, never fast-math),
 * and the same Unicode predicates (CPython's own). The Python path stays the
 * reference; tests/test_native.py checks that both agree.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* ---------------------------------------------------------------- helpers */

/* The doubles of a sequence of numbers; NULL with an exception set on failure. */
static double *as_doubles(PyObject *sequence, Py_ssize_t *size)
{
    PyObject *fast = PySequence_Fast(sequence, "expected a sequence of numbers");
    if (fast == NULL)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    double *values = PyMem_Malloc((count ? count : 1) * sizeof(double));
    if (values == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < count; i++) {
        values[i] = PyFloat_AsDouble(items[i]);
        if (values[i] == -1.0 && PyErr_Occurred()) {
            PyMem_Free(values);
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    *size = count;
    return values;
}

/* The values most rows hold, made once: a row of 61 features is mostly 0.0, 1.0 and -1.0. */
static PyObject *zero, *one, *minus_one;

/* A float object of value (a shared one for +0.0, 1.0 and -1.0). */
static PyObject *as_float(double value)
{
    PyObject *shared = NULL;
    if (value == 0.0 && !signbit(value))
        shared = zero;
    else if (value == 1.0)
        shared = one;
    else if (value == -1.0)
        shared = minus_one;
    if (shared != NULL) {
        Py_INCREF(shared);
        return shared;
    }
    return PyFloat_FromDouble(value);
}

/* A list of ``count`` floats, each item made by ``make``. */
static PyObject *list_made(const double *values, Py_ssize_t count, PyObject *(*make)(double))
{
    PyObject *list = PyList_New(count);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = make(values[i]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

/* Feature rows: the common values as the shared objects of ``as_float``. */
static PyObject *list_of_floats(const double *values, Py_ssize_t count)
{
    return list_made(values, count, as_float);
}

static PyObject *list_of_doubles(const double *values, Py_ssize_t count)
{
    return list_made(values, count, PyFloat_FromDouble);
}

/* How many items of the iterable ``items`` are in ``set``; -1 with an exception set on error. */
static Py_ssize_t count_in(PyObject *items, PyObject *set)
{
    PyObject *iterator = PyObject_GetIter(items), *item;
    if (iterator == NULL)
        return -1;
    Py_ssize_t count = 0;
    while ((item = PyIter_Next(iterator)) != NULL) {
        int found = PySet_Contains(set, item);
        Py_DECREF(item);
        if (found < 0) {
            Py_DECREF(iterator);
            return -1;
        }
        count += found;
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : count;
}

/* ------------------------------------------------------------------ Forest */

typedef struct {
    PyObject_HEAD
    double base;
    Py_ssize_t trees;
    Py_ssize_t *roots;   /* first node of each tree */
    Py_ssize_t *feature; /* -1 at a leaf */
    Py_ssize_t *left;    /* absolute node indexes */
    Py_ssize_t *right;
    double *threshold;
    double *value;       /* leaf values */
    double *node_value;  /* every node's value, for contributions */
    Py_ssize_t width;    /* one more than the largest feature used */
} Forest;

static void Forest_dealloc(Forest *self)
{
    PyMem_Free(self->roots);
    PyMem_Free(self->feature);
    PyMem_Free(self->left);
    PyMem_Free(self->right);
    PyMem_Free(self->threshold);
    PyMem_Free(self->value);
    PyMem_Free(self->node_value);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int read_ints(PyObject *sequence, Py_ssize_t size, Py_ssize_t *into, Py_ssize_t shift)
{
    Py_ssize_t count;
    PyObject *fast = PySequence_Fast(sequence, "a tree's arrays must be sequences");
    if (fast == NULL)
        return -1;
    count = PySequence_Fast_GET_SIZE(fast);
    if (count != size) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "a tree's arrays must all have one entry per node");
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t value = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(fast, i));
        if (value == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        into[i] = value + shift;
    }
    Py_DECREF(fast);
    return 0;
}

static int read_floats(PyObject *sequence, Py_ssize_t size, double *into)
{
    Py_ssize_t count;
    double *values = as_doubles(sequence, &count);
    if (values == NULL)
        return -1;
    if (count != size) {
        PyMem_Free(values);
        PyErr_SetString(PyExc_ValueError, "a tree's arrays must all have one entry per node");
        return -1;
    }
    memcpy(into, values, size * sizeof(double));
    PyMem_Free(values);
    return 0;
}

/* Forest(base, trees): trees a sequence of (f, t, l, r, v, n), each a sequence per node. */
static int Forest_init(Forest *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"base", "trees", NULL};
    double base;
    PyObject *trees;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "dO", names, &base, &trees))
        return -1;
    if (self->roots != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Forest is initialised once");
        return -1;
    }
    PyObject *fast = PySequence_Fast(trees, "trees must be a sequence");
    if (fast == NULL)
        return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast), nodes = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *tree = PySequence_Fast_GET_ITEM(fast, k);
        if (!PyTuple_Check(tree) || PyTuple_GET_SIZE(tree) != 6) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "a tree is a tuple (f, t, l, r, v, n)");
            return -1;
        }
        Py_ssize_t size = PyObject_Length(PyTuple_GET_ITEM(tree, 0));
        if (size <= 0) {
            Py_DECREF(fast);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a tree needs at least one node");
            return -1;
        }
        nodes += size;
    }
    self->base = base;
    self->trees = count;
    self->roots = PyMem_Malloc((count ? count : 1) * sizeof(Py_ssize_t));
    self->feature = PyMem_Malloc(nodes * sizeof(Py_ssize_t) + 1);
    self->left = PyMem_Malloc(nodes * sizeof(Py_ssize_t) + 1);
    self->right = PyMem_Malloc(nodes * sizeof(Py_ssize_t) + 1);
    self->threshold = PyMem_Malloc(nodes * sizeof(double) + 1);
    self->value = PyMem_Malloc(nodes * sizeof(double) + 1);
    self->node_value = PyMem_Malloc(nodes * sizeof(double) + 1);
    if (!self->roots || !self->feature || !self->left || !self->right || !self->threshold || !self->value ||
        !self->node_value) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t start = 0;
    self->width = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *tree = PySequence_Fast_GET_ITEM(fast, k);
        Py_ssize_t size = PyObject_Length(PyTuple_GET_ITEM(tree, 0));
        if (read_ints(PyTuple_GET_ITEM(tree, 0), size, self->feature + start, 0) < 0 ||
            read_floats(PyTuple_GET_ITEM(tree, 1), size, self->threshold + start) < 0 ||
            read_ints(PyTuple_GET_ITEM(tree, 2), size, self->left + start, start) < 0 ||
            read_ints(PyTuple_GET_ITEM(tree, 3), size, self->right + start, start) < 0 ||
            read_floats(PyTuple_GET_ITEM(tree, 4), size, self->value + start) < 0 ||
            read_floats(PyTuple_GET_ITEM(tree, 5), size, self->node_value + start) < 0) {
            Py_DECREF(fast);
            return -1;
        }
        for (Py_ssize_t node = start; node < start + size; node++) {
            Py_ssize_t feature = self->feature[node];
            if (feature < 0)
                continue;
            if (!(node < self->left[node] && self->left[node] < start + size && node < self->right[node] &&
                  self->right[node] < start + size)) {
                Py_DECREF(fast);
                PyErr_Format(PyExc_ValueError, "node %zd has a child out of order", node - start);
                return -1;
            }
            if (feature + 1 > self->width)
                self->width = feature + 1;
        }
        self->roots[k] = start;
        start += size;
    }
    Py_DECREF(fast);
    return 0;
}

static Py_ssize_t leaf(const Forest *self, Py_ssize_t node, const double *x)
{
    while (self->feature[node] >= 0)
        node = x[self->feature[node]] <= self->threshold[node] ? self->left[node] : self->right[node];
    return node;
}

/* The raw score of each row: base plus each tree's leaf, added in tree order. */
static PyObject *Forest_scores(Forest *self, PyObject *args)
{
    PyObject *rows, *extras;
    if (!PyArg_ParseTuple(args, "OO", &rows, &extras))
        return NULL;
    PyObject *first = PySequence_Fast(rows, "rows must be a sequence");
    if (first == NULL)
        return NULL;
    PyObject *second = PySequence_Fast(extras, "contexts must be a sequence");
    if (second == NULL) {
        Py_DECREF(first);
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(first);
    PyObject *result = NULL;
    double *scores = NULL, *x = NULL;
    if (PySequence_Fast_GET_SIZE(second) != count) {
        PyErr_SetString(PyExc_ValueError, "one context row per row");
        goto done;
    }
    scores = PyMem_Malloc((count ? count : 1) * sizeof(double));
    x = PyMem_Malloc((self->width ? self->width : 1) * sizeof(double));
    if (scores == NULL || x == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t own, more;
        double *a = as_doubles(PySequence_Fast_GET_ITEM(first, i), &own);
        if (a == NULL)
            goto done;
        double *b = as_doubles(PySequence_Fast_GET_ITEM(second, i), &more);
        if (b == NULL) {
            PyMem_Free(a);
            goto done;
        }
        if (own + more < self->width) {
            PyMem_Free(a);
            PyMem_Free(b);
            PyErr_SetString(PyExc_IndexError, "a tree uses a feature the row does not have");
            goto done;
        }
        for (Py_ssize_t j = 0; j < self->width; j++)
            x[j] = j < own ? a[j] : b[j - own];
        PyMem_Free(a);
        PyMem_Free(b);
        double score = self->base;
        for (Py_ssize_t k = 0; k < self->trees; k++)
            score = score + self->value[leaf(self, self->roots[k], x)];
        scores[i] = score;
    }
    result = list_of_doubles(scores, count);
done:
    PyMem_Free(scores);
    PyMem_Free(x);
    Py_DECREF(first);
    Py_DECREF(second);
    return result;
}

/* Each feature's share of the raw score of x (count values): along each path, child value minus node value. */
static double *shares(const Forest *self, const double *x, Py_ssize_t count)
{
    double *found = PyMem_Calloc(count ? count : 1, sizeof(double));
    if (found == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < self->trees; k++) {
        Py_ssize_t node = self->roots[k];
        while (self->feature[node] >= 0) {
            Py_ssize_t feature = self->feature[node];
            Py_ssize_t child = x[feature] <= self->threshold[node] ? self->left[node] : self->right[node];
            found[feature] += self->node_value[child] - self->node_value[node];
            node = child;
        }
    }
    return found;
}

static double *row_shares(const Forest *self, PyObject *row, Py_ssize_t *count)
{
    double *x = as_doubles(row, count);
    if (x == NULL)
        return NULL;
    if (*count < self->width) {
        PyMem_Free(x);
        PyErr_SetString(PyExc_IndexError, "a tree uses a feature the row does not have");
        return NULL;
    }
    double *found = shares(self, x, *count);
    PyMem_Free(x);
    return found;
}

static PyObject *Forest_contributions(Forest *self, PyObject *row)
{
    Py_ssize_t count;
    double *found = row_shares(self, row, &count);
    if (found == NULL)
        return NULL;
    PyObject *result = list_of_doubles(found, count);
    PyMem_Free(found);
    return result;
}

/* The first feature with the smallest contribution, as min(range(n), key=contributions.__getitem__) finds it. */
static PyObject *Forest_lowest(Forest *self, PyObject *row)
{
    Py_ssize_t count;
    double *found = row_shares(self, row, &count);
    if (found == NULL)
        return NULL;
    if (count == 0) {
        PyMem_Free(found);
        PyErr_SetString(PyExc_ValueError, "an empty row has no lowest contribution");
        return NULL;
    }
    Py_ssize_t best = 0;
    for (Py_ssize_t j = 1; j < count; j++)
        if (found[j] < found[best])
            best = j;
    PyMem_Free(found);
    return PyLong_FromSsize_t(best);
}

static PyMethodDef Forest_methods[] = {
    {"scores", (PyCFunction)Forest_scores, METH_VARARGS,
     "scores(rows, contexts): the raw score of each row followed by its context row."},
    {"contributions", (PyCFunction)Forest_contributions, METH_O,
     "contributions(row): each feature's share of the raw score of row."},
    {"lowest", (PyCFunction)Forest_lowest, METH_O,
     "lowest(row): the first feature with the smallest contribution to the raw score of row."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ForestType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.native._native.Forest",
    .tp_doc = PyDoc_STR("Forest(base, trees): boosted trees, each a tuple of node arrays (f, t, l, r, v, n)."),
    .tp_basicsize = sizeof(Forest),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Forest_init,
    .tp_dealloc = (destructor)Forest_dealloc,
    .tp_methods = Forest_methods,
};

/* ----------------------------------------------------------- text features */

#define MAX_SEPARATORS 10
#define LONG_WORD 6
#define TEXT_FEATURES 13

/* Character kinds of features._KINDS: punctuation, separator, both. */
static int is_separator(Py_UCS4 c)
{
    switch (c) {
    case '|': case 0xbb: case 0x203a: case '>': case 0xb7: case '/': case 0x2022: case 0x2013: case 0x2014:
    case '<': case 0xab: case 0x2039:
        return 1;
    }
    return 0;
}

static int is_punctuation(Py_UCS4 c)
{
    switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '(': case ')': case '[': case ']': case '{':
    case '}': case '"': case '\'': case 0x201c: case 0x201d: case 0x2018: case 0x2019: case '-': case 0x2013:
    case 0x2014: case '/': case '|': case 0xbb: case 0x203a: case '<': case '>': case 0xb7: case 0x2026:
    case '&': case '%': case '#': case '@': case '*': case '+': case '=':
        return 1;
    }
    return 0;
}

static int is_closer(Py_UCS4 c)
{
    return c == '"' || c == '\'' || c == 0x201d || c == 0x2019 || c == ')' || c == ']';
}

static int is_sentence_end(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

/* Py_UNICODE_ISUPPER, with the answer for ASCII (the Unicode database's) inline. */
static int is_upper(Py_UCS4 c)
{
    return c < 128 ? c >= 'A' && c <= 'Z' : Py_UNICODE_ISUPPER(c);
}

/* str.isupper of text[start:end]. */
static int span_isupper(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    int cased = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128) {
            if (c >= 'a' && c <= 'z')
                return 0;
            cased |= c >= 'A' && c <= 'Z';
            continue;
        }
        if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c))
            return 0;
        if (!cased && Py_UNICODE_ISUPPER(c))
            cased = 1;
    }
    return cased;
}

static double log1p_int(Py_ssize_t value)
{
    return log1p((double)value);
}

/* The first 13 of features.OWN for one block, as features._text_features computes them. */
static int text_row(PyObject *text, PyObject *words, PyObject *stop, PyObject *slug, Py_ssize_t slug_size,
                    double *row)
{
    if (!PyUnicode_Check(text) || !PyList_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "a block is a str and a list of tokens");
        return -1;
    }
    Py_ssize_t count = PyList_GET_SIZE(words);
    double per_word = count ? 1.0 / (double)count : 0.0;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t chars = length ? length : 1;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);

    Py_ssize_t end = length;
    while (end > 0 && is_closer(PyUnicode_READ(kind, data, end - 1)))
        end--;
    int ends = end > 0 && is_sentence_end(PyUnicode_READ(kind, data, end - 1));

    Py_ssize_t parts = 0, capitals = 0, uppers = 0, digits = 0, dots = 0, both = 0, separators_only = 0;
    Py_ssize_t sentences = ends;
    Py_ssize_t part_start = -1;
    for (Py_ssize_t i = 0; i <= length; i++) {
        Py_UCS4 c = i < length ? PyUnicode_READ(kind, data, i) : ' ';
        if (i < length) {
            if (c >= '0' && c <= '9')
                digits++;
            else {
                int punctuation = is_punctuation(c), separator = is_separator(c);
                if (punctuation && separator)
                    both++;
                else if (punctuation)
                    dots++;
                else if (separator)
                    separators_only++;
            }
            if ((c == '.' || c == '?' || c == '!') && i + 1 < length && PyUnicode_READ(kind, data, i + 1) == ' ')
                sentences++;
        }
        if (Py_UNICODE_ISSPACE(c)) {
            if (part_start >= 0) {
                parts++;
                capitals += is_upper(PyUnicode_READ(kind, data, part_start));
                uppers += span_isupper(kind, data, part_start, i);
                part_start = -1;
            }
        }
        else if (part_start < 0)
            part_start = i;
    }
    double per_part = 1.0 / (double)(parts ? parts : 1);

    Py_ssize_t stop_words = 0, letters = 0, long_words = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *word = PyList_GET_ITEM(words, k);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "a token is a str");
            return -1;
        }
        int found = PySet_Contains(stop, word);
        if (found < 0)
            return -1;
        stop_words += found;
        Py_ssize_t size = PyUnicode_GET_LENGTH(word);
        letters += size;
        long_words += size > LONG_WORD;
    }
    double slug_cover = 0.0;
    if (slug_size) {
        PyObject *distinct = PySet_New(words);
        if (distinct == NULL)
            return -1;
        Py_ssize_t covered = count_in(slug, distinct);
        if (covered < 0) {
            Py_DECREF(distinct);
            return -1;
        }
        Py_DECREF(distinct);
        slug_cover = (double)covered / (double)slug_size;
    }
    Py_ssize_t separators = both + separators_only;
    row[0] = log1p_int(count);
    row[1] = log1p_int(length);
    row[2] = ends ? 1.0 : 0.0;
    row[3] = (double)stop_words * per_word;
    row[4] = (double)capitals * per_part;
    row[5] = (double)uppers * per_part;
    row[6] = (double)digits / (double)chars;
    row[7] = (double)(dots + both) / (double)chars;
    row[8] = (double)(separators < MAX_SEPARATORS ? separators : MAX_SEPARATORS) / (double)MAX_SEPARATORS;
    row[9] = log1p_int(sentences);
    row[10] = (double)letters * per_word;
    row[11] = (double)long_words * per_word;
    row[12] = slug_cover;
    return 0;
}

/* The mean over each position's window of radius either side (features._window_means). */
static void window_means(const double *values, Py_ssize_t count, Py_ssize_t radius, double *sums, double *means)
{
    sums[0] = 0.0;
    for (Py_ssize_t k = 0; k < count; k++)
        sums[k + 1] = sums[k] + values[k];
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t low = k - radius > 0 ? k - radius : 0;
        Py_ssize_t high = k + radius + 1 < count ? k + radius + 1 : count;
        means[k] = (sums[high] - sums[low]) / (double)(high - low);
    }
}

/* Rule groups the rule-context features ask for, as bits (every other group is none of them). */
enum { META = 1, COMMENTS = 2, FOOTER = 4, RELATED = 8, CTA = 16 };

static int group_bits(PyObject *groups, PyObject *rule)
{
    PyObject *group = PyDict_GetItemWithError(groups, rule);
    if (group == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyUnicode_Check(group))
        return 0;
    if (PyUnicode_CompareWithASCIIString(group, "meta") == 0)
        return META;
    if (PyUnicode_CompareWithASCIIString(group, "comments") == 0)
        return COMMENTS;
    if (PyUnicode_CompareWithASCIIString(group, "footer") == 0)
        return FOOTER;
    if (PyUnicode_CompareWithASCIIString(group, "related") == 0)
        return RELATED;
    if (PyUnicode_CompareWithASCIIString(group, "cta") == 0)
        return CTA;
    return 0;
}

static int equals(PyObject *text, const char *ascii)
{
    return PyUnicode_Check(text) && PyUnicode_CompareWithASCIIString(text, ascii) == 0;
}

/* The first k whose gap before it holds the group (count if none). */
static Py_ssize_t first_with(const int *gaps, Py_ssize_t count, int group)
{
    for (Py_ssize_t k = 0; k < count; k++)
        if (gaps[k] & group)
            return k;
    return count;
}

#define BLOCK_FEATURES 61
#define SHORT_WORDS 4

/* block_features(texts, tokens, rule, classes, in_run, candidates, stop, slug, english, groups): one row of
 * features.FEATURES per candidate, each column computed as features.block_features computes it. */
static PyObject *block_features(PyObject *module, PyObject *args)
{
    PyObject *texts, *tokens, *rule, *classes, *in_run_list, *candidate_list, *stop, *slug, *groups;
    int english;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!OOpO!", &PyList_Type, &texts, &PyList_Type, &tokens, &PyList_Type,
                          &rule, &PyList_Type, &classes, &PyList_Type, &in_run_list, &PyList_Type, &candidate_list,
                          &stop, &slug, &english, &PyDict_Type, &groups))
        return NULL;
    if (!PyAnySet_Check(stop) || !PyAnySet_Check(slug)) {
        PyErr_SetString(PyExc_TypeError, "stop words and slug words are sets");
        return NULL;
    }
    Py_ssize_t blocks = PyList_GET_SIZE(texts), count = PyList_GET_SIZE(candidate_list);
    if (PyList_GET_SIZE(tokens) != blocks || PyList_GET_SIZE(rule) != blocks || PyList_GET_SIZE(classes) != blocks ||
        PyList_GET_SIZE(in_run_list) != blocks) {
        PyErr_SetString(PyExc_ValueError, "every list holds one entry per block");
        return NULL;
    }
    if (count == 0)
        return PyList_New(0);
    PyObject *rows = NULL, *counts = NULL, *keys = NULL, *space = NULL;
    Py_ssize_t *index = PyMem_Malloc(count * sizeof(Py_ssize_t));
    Py_ssize_t *words = PyMem_Malloc(count * sizeof(Py_ssize_t));
    int *gaps = PyMem_Calloc(count + 1, sizeof(int));
    Py_ssize_t *sizes = PyMem_Malloc((count + 1) * sizeof(Py_ssize_t));
    double *x = PyMem_Malloc((size_t)count * BLOCK_FEATURES * sizeof(double));
    double *prose = PyMem_Malloc(count * sizeof(double));
    double *column = PyMem_Malloc(count * sizeof(double));
    double *means = PyMem_Malloc(count * sizeof(double));
    double *sums = PyMem_Malloc((count + 1) * sizeof(double));
    if (!index || !words || !gaps || !sizes || !x || !prose || !column || !means || !sums) {
        PyErr_NoMemory();
        goto done;
    }
#define X(k, j) x[(k) * BLOCK_FEATURES + (j)]
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(candidate_list, k));
        if (i == -1 && PyErr_Occurred())
            goto done;
        if (i < 0 || i >= blocks || (k > 0 && i <= index[k - 1])) {
            PyErr_SetString(PyExc_ValueError, "candidates are increasing block indexes");
            goto done;
        }
        index[k] = i;
        PyObject *block_tokens = PyList_GET_ITEM(tokens, i);
        if (!PyList_Check(block_tokens)) {
            PyErr_SetString(PyExc_TypeError, "a block's tokens are a list");
            goto done;
        }
        words[k] = PyList_GET_SIZE(block_tokens);
        PyObject *cls = PyList_GET_ITEM(classes, i);
        prose[k] = equals(cls, "prose") || equals(cls, "sentence") ? 1.0 : 0.0;
    }

    /* own: the text, repeats on the page, the rule and the heuristic's view */
    Py_ssize_t slug_size = PySet_GET_SIZE(slug);
    counts = PyDict_New();
    keys = PyList_New(count);
    space = PyUnicode_FromString(" ");
    if (counts == NULL || keys == NULL || space == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t i = index[k];
        double *row = &X(k, 0);
        if (text_row(PyList_GET_ITEM(texts, i), PyList_GET_ITEM(tokens, i), stop, slug, slug_size, row) < 0)
            goto done;
        PyObject *key = PyUnicode_Join(space, PyList_GET_ITEM(tokens, i));
        if (key == NULL)
            goto done;
        PyList_SET_ITEM(keys, k, key);
        PyObject *seen = PyDict_GetItemWithError(counts, key);
        if (seen == NULL && PyErr_Occurred())
            goto done;
        Py_ssize_t before = seen == NULL ? 0 : PyLong_AsSsize_t(seen);
        PyObject *after = PyLong_FromSsize_t(before + 1);
        if (after == NULL || PyDict_SetItem(counts, key, after) < 0) {
            Py_XDECREF(after);
            goto done;
        }
        Py_DECREF(after);
        row[14] = seen == NULL ? 1.0 : 0.0;
        PyObject *cls = PyList_GET_ITEM(classes, i);
        row[15] = equals(PyList_GET_ITEM(rule, i), "duplicate") ? 1.0 : 0.0;
        row[16] = equals(cls, "prose") ? 1.0 : 0.0;
        row[17] = equals(cls, "headline") ? 1.0 : 0.0;
        int truth = PyObject_IsTrue(PyList_GET_ITEM(in_run_list, i));
        if (truth < 0)
            goto done;
        row[18] = truth ? 1.0 : 0.0;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t repeats = PyLong_AsSsize_t(PyDict_GetItem(counts, PyList_GET_ITEM(keys, k)));
        X(k, 13) = log((double)repeats);
    }

    /* position */
    Py_ssize_t total = 0, longest = 0, run_start = -1, run_end = -1, prose_words = 0, short_blocks = 0;
    Py_ssize_t most = 0, run_words = 0;
    double best = -1.0;
    for (Py_ssize_t k = 0; k < count; k++) {
        total += words[k];
        double weight = (double)words[k] * (1.0 + prose[k]);
        if (weight > best) {
            best = weight;
            longest = k;
        }
        if (X(k, 18) != 0.0) {
            if (run_start < 0)
                run_start = k;
            run_end = k;
            run_words += words[k];
        }
        if (prose[k] != 0.0)
            prose_words += words[k];
        short_blocks += words[k] < SHORT_WORDS;
        if (words[k] > most)
            most = words[k];
    }
    int run = run_start >= 0;
    if (!run) {
        run_start = 0;
        run_end = count - 1;
    }
    if (total == 0)
        total = 1;
    Py_ssize_t run_length = run_end - run_start + 1, before = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        double *row = &X(k, 19);
        row[0] = (double)k / (double)count;
        row[1] = (double)index[k] / (double)blocks;
        row[2] = (double)before / (double)total;
        row[3] = (double)(total - before - words[k]) / (double)total;
        row[4] = (double)(k - longest) / (double)count;
        row[5] = log1p_int(k > longest ? k - longest : longest - k);
        row[6] = (double)(k - run_start) / (double)count;
        row[7] = (double)(k - run_end) / (double)count;
        row[8] = run ? (double)(k - run_start) / (double)run_length : 0.0;
        row[9] = 0.0;
        before += words[k];
    }
    for (Py_ssize_t start = 0; start < count;) {
        Py_ssize_t end = start;
        while (end < count && words[end] < SHORT_WORDS)
            end++;
        if (end > start) {
            for (Py_ssize_t k = start; k < end; k++)
                X(k, 28) = log1p_int(end - start);
            start = end;
        }
        else
            start++;
    }

    /* page */
    double page[8] = {
        log1p_int(count),
        log1p_int(total),
        (double)prose_words / (double)total,
        (double)short_blocks / (double)count,
        (double)(blocks - count) / (double)blocks,
        (double)most / (double)total,
        (double)run_words / (double)total,
        english ? 1.0 : 0.0,
    };
    for (Py_ssize_t k = 0; k < count; k++)
        memcpy(&X(k, 29), page, sizeof(page));

    /* neighbours: log words at -3..+3, stop-word shares either side */
    static const int offsets[6] = {-3, -2, -1, 1, 2, 3};
    for (Py_ssize_t k = 0; k < count; k++) {
        for (int o = 0; o < 6; o++) {
            Py_ssize_t n = k + offsets[o];
            X(k, 37 + o) = n >= 0 && n < count ? X(n, 0) : -1.0;
        }
        X(k, 43) = k > 0 ? X(k - 1, 3) : -1.0;
        X(k, 44) = k + 1 < count ? X(k + 1, 3) : -1.0;
    }

    /* windows */
    struct { int source; Py_ssize_t radius; } windows[6] = {{-1, 5}, {-1, 15}, {0, 5}, {-2, 5}, {3, 5}, {2, 15}};
    for (int w = 0; w < 6; w++) {
        for (Py_ssize_t k = 0; k < count; k++) {
            int source = windows[w].source;
            column[k] = source == -1 ? prose[k] : source == -2 ? (words[k] < SHORT_WORDS ? 1.0 : 0.0) : X(k, source);
        }
        window_means(column, count, windows[w].radius, sums, means);
        for (Py_ssize_t k = 0; k < count; k++)
            X(k, 45 + w) = means[k];
    }

    /* rules: what the rules dropped between each candidate and the next, and anywhere before it */
    Py_ssize_t previous = -1;
    for (Py_ssize_t k = 0; k <= count; k++) {
        Py_ssize_t next = k < count ? index[k] : blocks;
        for (Py_ssize_t j = previous + 1; j < next; j++) {
            int bits = group_bits(groups, PyList_GET_ITEM(rule, j));
            if (bits < 0)
                goto done;
            gaps[k] |= bits;
        }
        sizes[k] = next - previous - 1;
        previous = next;
    }
    Py_ssize_t comments = first_with(gaps, count, COMMENTS), footer = first_with(gaps, count, FOOTER);
    Py_ssize_t related = first_with(gaps, count, RELATED), cta = first_with(gaps, count, CTA), last_meta = 0;
    for (Py_ssize_t k = count - 1; k > 0; k--)
        if (gaps[k] & META) {
            last_meta = k;
            break;
        }
    for (Py_ssize_t k = 0; k < count; k++) {
        double *row = &X(k, 51);
        row[0] = gaps[k] & META ? 1.0 : 0.0;
        row[1] = gaps[k] & COMMENTS ? 1.0 : 0.0;
        row[2] = gaps[k + 1] & META ? 1.0 : 0.0;
        row[3] = k >= comments ? 1.0 : 0.0;
        row[4] = k >= footer ? 1.0 : 0.0;
        row[5] = k >= related ? 1.0 : 0.0;
        row[6] = k < last_meta ? 1.0 : 0.0;
        row[7] = k >= cta ? 1.0 : 0.0;
        row[8] = log1p_int(sizes[k]);
        row[9] = log1p_int(sizes[k + 1]);
    }

    rows = PyList_New(count);
    if (rows == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *tuple = PyTuple_New(BLOCK_FEATURES);
        if (tuple == NULL) {
            Py_CLEAR(rows);
            goto done;
        }
        PyList_SET_ITEM(rows, k, tuple);
        for (int j = 0; j < BLOCK_FEATURES; j++) {
            PyObject *value = as_float(X(k, j));
            if (value == NULL) {
                Py_CLEAR(rows);
                goto done;
            }
            PyTuple_SET_ITEM(tuple, j, value);
        }
    }
#undef X
done:
    Py_XDECREF(counts);
    Py_XDECREF(keys);
    Py_XDECREF(space);
    PyMem_Free(index);
    PyMem_Free(words);
    PyMem_Free(gaps);
    PyMem_Free(sizes);
    PyMem_Free(x);
    PyMem_Free(prose);
    PyMem_Free(column);
    PyMem_Free(means);
    PyMem_Free(sums);
    return rows;
}

/* -------------------------------------------------------- context features */

#define CONTEXT_FEATURES 20
#define HOT 0.5
#define MISSING (-1.0)

static double window_mean(const double *sums, Py_ssize_t low, Py_ssize_t high)
{
    return high > low ? (sums[high] - sums[low]) / (double)(high - low) : MISSING;
}

/* context_features(q, words): context.context_features, one tuple of CONTEXT per candidate. */
static PyObject *context_features(PyObject *module, PyObject *args)
{
    PyObject *probabilities, *word_counts;
    if (!PyArg_ParseTuple(args, "OO", &probabilities, &word_counts))
        return NULL;
    Py_ssize_t count, counted;
    double *q = as_doubles(probabilities, &count);
    if (q == NULL)
        return NULL;
    double *words = as_doubles(word_counts, &counted);
    if (words == NULL) {
        PyMem_Free(q);
        return NULL;
    }
    PyObject *rows = NULL;
    double *sums = NULL, *weighted = NULL, *weights = NULL, *hot_words = NULL, *max_before = NULL,
           *max_after = NULL;
    Py_ssize_t *near = NULL;
    if (counted != count) {
        PyErr_SetString(PyExc_ValueError, "one word count per probability");
        goto done;
    }
    size_t size = (size_t)(count + 1);
    sums = PyMem_Malloc(size * sizeof(double));
    weighted = PyMem_Malloc(size * sizeof(double));
    weights = PyMem_Malloc(size * sizeof(double));
    hot_words = PyMem_Malloc(size * sizeof(double));
    max_before = PyMem_Malloc(size * sizeof(double));
    max_after = PyMem_Malloc(size * sizeof(double));
    near = PyMem_Malloc(size * sizeof(Py_ssize_t));
    if (!sums || !weighted || !weights || !hot_words || !max_before || !max_after || !near) {
        PyErr_NoMemory();
        goto done;
    }
    sums[0] = weighted[0] = weights[0] = hot_words[0] = 0.0;
    Py_ssize_t first = count, last = -1;
    for (Py_ssize_t k = 0; k < count; k++) {
        sums[k + 1] = sums[k] + q[k];
        weighted[k + 1] = weighted[k] + q[k] * (words[k] + 1.0);
        weights[k + 1] = weights[k] + (words[k] + 1.0);
        hot_words[k + 1] = hot_words[k] + (q[k] >= HOT ? words[k] : 0.0);
        if (q[k] >= HOT) {
            if (first == count)
                first = k;
            last = k;
        }
    }
    int hot = last >= 0;
    double total_hot = hot_words[count] != 0.0 ? hot_words[count] : 1.0;
    double best = 0.0;
    for (Py_ssize_t k = 0; k < count; k++) {
        max_before[k] = best;
        if (q[k] > best)
            best = q[k];
    }
    best = 0.0;
    for (Py_ssize_t k = count - 1; k >= 0; k--) {
        max_after[k] = best;
        if (q[k] > best)
            best = q[k];
    }
    Py_ssize_t previous = -count;
    for (Py_ssize_t k = 0; k < count; k++) {
        if (q[k] >= HOT)
            previous = k;
        near[k] = k - previous;
    }
    Py_ssize_t following = 2 * count;
    for (Py_ssize_t k = count - 1; k >= 0; k--) {
        if (q[k] >= HOT)
            following = k;
        if (following - k < near[k])
            near[k] = following - k;
    }
    double page_mean = count ? sums[count] / (double)count : 0.0;
    double page_share = count ? weighted[count] / weights[count] : 0.0;
    rows = PyList_New(count);
    if (rows == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        double row[CONTEXT_FEATURES];
        Py_ssize_t distance = near[k] < count ? near[k] : count;
        row[0] = q[k];
        row[1] = k > 0 ? q[k - 1] : MISSING;
        row[2] = k + 1 < count ? q[k + 1] : MISSING;
        row[3] = k > 1 ? q[k - 2] : MISSING;
        row[4] = k + 2 < count ? q[k + 2] : MISSING;
        row[5] = window_mean(sums, k - 5 > 0 ? k - 5 : 0, k);
        row[6] = window_mean(sums, k + 1, k + 6 < count ? k + 6 : count);
        row[7] = window_mean(sums, k - 20 > 0 ? k - 20 : 0, k);
        row[8] = window_mean(sums, k + 1, k + 21 < count ? k + 21 : count);
        row[9] = k ? weighted[k] / weights[k] : MISSING;
        row[10] = k + 1 < count ? (weighted[count] - weighted[k + 1]) / (weights[count] - weights[k + 1]) : MISSING;
        row[11] = max_before[k];
        row[12] = max_after[k];
        row[13] = page_mean;
        row[14] = page_share;
        row[15] = first <= k && k <= last ? 1.0 : 0.0;
        row[16] = log1p((double)distance);
        row[17] = hot ? (double)(k - first) / (double)(last - first + 1) : MISSING;
        row[18] = hot_words[k] / total_hot;
        row[19] = hot ? (total_hot - hot_words[k + 1]) / total_hot : 0.0;
        PyObject *tuple = PyTuple_New(CONTEXT_FEATURES);
        if (tuple == NULL) {
            Py_CLEAR(rows);
            goto done;
        }
        PyList_SET_ITEM(rows, k, tuple);
        for (int j = 0; j < CONTEXT_FEATURES; j++) {
            PyObject *value = as_float(row[j]);
            if (value == NULL) {
                Py_CLEAR(rows);
                goto done;
            }
            PyTuple_SET_ITEM(tuple, j, value);
        }
    }
done:
    PyMem_Free(q);
    PyMem_Free(words);
    PyMem_Free(sums);
    PyMem_Free(weighted);
    PyMem_Free(weights);
    PyMem_Free(hot_words);
    PyMem_Free(max_before);
    PyMem_Free(max_after);
    PyMem_Free(near);
    return rows;
}

/* --------------------------------------------------------- stage 1, HMM */

static double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

#if PY_VERSION_HEX < 0x030C0000
/* linear(rows, weights, bias): sigmoid(bias + sum(w * x)) of each row, the sum added in order as the
 * builtin sum adds floats before Python 3.12 (3.12 compensates, so there the Python path computes it). */
static PyObject *linear(PyObject *module, PyObject *args)
{
    PyObject *rows, *weight_list;
    double bias;
    if (!PyArg_ParseTuple(args, "OOd", &rows, &weight_list, &bias))
        return NULL;
    Py_ssize_t width;
    double *weights = as_doubles(weight_list, &width);
    if (weights == NULL)
        return NULL;
    PyObject *fast = PySequence_Fast(rows, "rows must be a sequence");
    if (fast == NULL) {
        PyMem_Free(weights);
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    PyObject *result = PyList_New(count);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        Py_ssize_t size;
        double *x = as_doubles(PySequence_Fast_GET_ITEM(fast, i), &size);
        if (x == NULL) {
            Py_CLEAR(result);
            break;
        }
        if (size != width) {
            PyMem_Free(x);
            PyErr_SetString(PyExc_ValueError, "one weight per feature");
            Py_CLEAR(result);
            break;
        }
        double total = 0.0;
        for (Py_ssize_t j = 0; j < width; j++)
            total += weights[j] * x[j];
        PyMem_Free(x);
        PyObject *value = PyFloat_FromDouble(sigmoid(bias + total));
        if (value == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, value);
    }
    Py_DECREF(fast);
    PyMem_Free(weights);
    return result;
}
#endif

/* viterbi(probabilities, t00, t01, t10, t11, start0, start1, prior0, prior1, epsilon): smoothing.viterbi with
 * the transitions and start already scaled by the strength and the priors' logarithms taken. */
static PyObject *viterbi(PyObject *module, PyObject *args)
{
    PyObject *sequence;
    double t00, t01, t10, t11, start0, start1, prior0, prior1, epsilon;
    if (!PyArg_ParseTuple(args, "Oddddddddd", &sequence, &t00, &t01, &t10, &t11, &start0, &start1, &prior0,
                          &prior1, &epsilon))
        return NULL;
    Py_ssize_t count;
    double *p = as_doubles(sequence, &count);
    if (p == NULL)
        return NULL;
    if (count == 0) {
        PyMem_Free(p);
        return PyList_New(0);
    }
    unsigned char *back = PyMem_Malloc(2 * (size_t)count);
    if (back == NULL) {
        PyMem_Free(p);
        return PyErr_NoMemory();
    }
    double high = 1.0 - epsilon;
    for (Py_ssize_t k = 0; k < count; k++) {
        double v = p[k];
        if (epsilon > v)
            v = epsilon;
        if (high < v)
            v = high;
        p[k] = v;
    }
    double s0 = start0 + log(1.0 - p[0]) - prior0;
    double s1 = start1 + log(p[0]) - prior1;
    for (Py_ssize_t k = 1; k < count; k++) {
        double stay0 = s0 + t00, switch0 = s1 + t10;
        double stay1 = s1 + t11, switch1 = s0 + t01;
        back[2 * k] = stay0 >= switch0 ? 0 : 1;
        back[2 * k + 1] = switch1 >= stay1 ? 0 : 1;
        s0 = (switch0 > stay0 ? switch0 : stay0) + log(1.0 - p[k]) - prior0;
        s1 = (switch1 > stay1 ? switch1 : stay1) + log(p[k]) - prior1;
    }
    PyObject *path = PyList_New(count);
    if (path != NULL) {
        long state = s1 > s0 ? 1 : 0;
        for (Py_ssize_t k = count - 1;; k--) {
            PyList_SET_ITEM(path, k, PyLong_FromLong(state));
            if (k == 0)
                break;
            state = state ? back[2 * k + 1] : back[2 * k];
        }
    }
    PyMem_Free(back);
    PyMem_Free(p);
    return path;
}

/* ------------------------------------------------------ metadata: title blocks */

#define TITLE_BLOCK_FEATURES 46
#define NO_ANCHOR 99

/* The Py_ssize_t values of a list of ints; NULL with an exception set on failure. */
static Py_ssize_t *as_sizes(PyObject *list, Py_ssize_t *size)
{
    Py_ssize_t count = PyList_GET_SIZE(list);
    Py_ssize_t *values = PyMem_Malloc((count ? count : 1) * sizeof(Py_ssize_t));
    if (values == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        values[k] = PyLong_AsSsize_t(PyList_GET_ITEM(list, k));
        if (values[k] == -1 && PyErr_Occurred()) {
            PyMem_Free(values);
            return NULL;
        }
    }
    *size = count;
    return values;
}

/* math.copysign(math.log1p(abs(d)), d), as page.log_distance. */
static double log_distance(Py_ssize_t d)
{
    return copysign(log1p((double)(d < 0 ? -d : d)), (double)d);
}

/* How many words str.split() finds in text. */
static Py_ssize_t word_count(PyObject *text)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), words = 0;
    int inside = 0;
    for (Py_ssize_t k = 0; k < length; k++) {
        int space = Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k));
        if (!space && !inside)
            words++;
        inside = !space;
    }
    return words;
}

/* Running counts (prose words, short blocks) between a and b, clamped to the window [low, low + size - 1],
 * as title._Context._prose and _short. */
static Py_ssize_t window_sum(const Py_ssize_t *sums, Py_ssize_t size, Py_ssize_t low, Py_ssize_t a, Py_ssize_t b)
{
    if (a < low)
        a = low;
    if (b > low + size - 1)
        b = low + size - 1;
    return b > a ? sums[b - low] - sums[a - low] : 0;
}

/* Whether a flagged line is i, i - 1, i + 1, in i+1..i+4, in i-4..i-1, in i-3..i+3 (title._around). */
static void around(const Py_ssize_t *sums, Py_ssize_t size, Py_ssize_t i, double *into)
{
    Py_ssize_t top = size - 1;
#define AT(k) sums[(k) < 0 ? 0 : (k) > top ? top : (k)]
    Py_ssize_t at = AT(i), after = AT(i + 1), after2 = AT(i + 2), after5 = AT(i + 5), after4 = AT(i + 4);
    Py_ssize_t before = AT(i - 1), before4 = AT(i - 4), before3 = AT(i - 3);
#undef AT
    into[0] = after > at;
    into[1] = at > before;
    into[2] = after2 > after;
    into[3] = after5 > after;
    into[4] = at > before4;
    into[5] = after4 > before3;
}

/* title_blocks(searched, count, start, run_start, first_prose, first_long, anchors, top, headline_rank, rules,
 * classes, texts, tokens, keep, rows, dated, bylined, prose, short, low): title._Context.block's row of each
 * searched block, computed as the Python path computes it. */
static PyObject *title_blocks(PyObject *module, PyObject *args)
{
    PyObject *searched, *anchor_tuple, *ranks, *rules, *classes, *texts, *tokens, *keep, *rows;
    PyObject *dated_list, *bylined_list, *prose_list, *short_list;
    Py_ssize_t count, start, run_start, first_prose, first_long, top, low;
    if (!PyArg_ParseTuple(args, "O!nnnnnO!nO!O!O!O!O!O!O!O!O!O!O!n", &PyList_Type, &searched, &count, &start,
                          &run_start, &first_prose, &first_long, &PyTuple_Type, &anchor_tuple, &top, &PyDict_Type,
                          &ranks, &PyList_Type, &rules, &PyList_Type, &classes, &PyList_Type, &texts, &PyList_Type,
                          &tokens, &PyList_Type, &keep, &PyDict_Type, &rows, &PyList_Type, &dated_list,
                          &PyList_Type, &bylined_list, &PyList_Type, &prose_list, &PyList_Type, &short_list, &low))
        return NULL;
    Py_ssize_t lines = PyList_GET_SIZE(rules);
    if (PyList_GET_SIZE(classes) != lines || PyList_GET_SIZE(texts) != lines || PyList_GET_SIZE(tokens) != lines
        || PyList_GET_SIZE(keep) != lines || count > lines) {
        PyErr_SetString(PyExc_ValueError, "title_blocks: the page's lists must have one entry per block");
        return NULL;
    }
    Py_ssize_t n_dated = 0, n_bylined = 0, n_prose = 0, n_short = 0, n_anchors = PyTuple_GET_SIZE(anchor_tuple);
    Py_ssize_t *dated = NULL, *bylined = NULL, *prose = NULL, *shorts = NULL, *anchors = NULL;
    PyObject *out = NULL;
    dated = as_sizes(dated_list, &n_dated);
    bylined = dated ? as_sizes(bylined_list, &n_bylined) : NULL;
    prose = bylined ? as_sizes(prose_list, &n_prose) : NULL;
    shorts = prose ? as_sizes(short_list, &n_short) : NULL;
    anchors = PyMem_Malloc((n_anchors ? n_anchors : 1) * sizeof(Py_ssize_t));
    if (shorts == NULL || anchors == NULL)
        goto done;
    if (n_dated != count + 1 || n_bylined != count + 1 || n_prose < 1 || n_short != n_prose) {
        PyErr_SetString(PyExc_ValueError, "title_blocks: running counts of the wrong size");
        goto done;
    }
    for (Py_ssize_t k = 0; k < n_anchors; k++) {
        anchors[k] = PyLong_AsSsize_t(PyTuple_GET_ITEM(anchor_tuple, k));
        if (anchors[k] == -1 && PyErr_Occurred())
            goto done;
    }
    Py_ssize_t n = PyList_GET_SIZE(searched);
    out = PyList_New(n);
    if (out == NULL)
        goto done;
    for (Py_ssize_t s = 0; s < n; s++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(searched, s));
        if (i == -1 && PyErr_Occurred())
            goto fail;
        if (i < 0 || i >= count) {
            PyErr_SetString(PyExc_IndexError, "title_blocks: a searched block outside the page");
            goto fail;
        }
        double row[TITLE_BLOCK_FEATURES];
        Py_ssize_t d = i - start, nearest = NO_ANCHOR, ahead = 0;
        for (Py_ssize_t k = 0; k < n_anchors; k++)
            if (anchors[k] > i) {
                ahead++;
                if (anchors[k] - i < nearest || ahead == 1)
                    nearest = anchors[k] - i;
            }
        PyObject *key = PyLong_FromSsize_t(i);
        if (key == NULL)
            goto fail;
        PyObject *found = PyDict_GetItemWithError(ranks, key);
        int in_rows = found != NULL || !PyErr_Occurred() ? PyDict_Contains(rows, key) : -1;
        Py_ssize_t rank = found != NULL ? PyLong_AsSsize_t(found) : 0;
        Py_DECREF(key);
        if (in_rows < 0 || (rank == -1 && PyErr_Occurred()))
            goto fail;
        int kept = PyObject_IsTrue(PyList_GET_ITEM(keep, i));
        if (kept < 0)
            goto fail;
        PyObject *rule = PyList_GET_ITEM(rules, i);
        int no_rule = equals(rule, ""), duplicate = equals(rule, "duplicate");
        Py_ssize_t prose_after = window_sum(prose, n_prose, low, i + 1, i + 11);
        Py_ssize_t next_words = 0;
        if (i + 1 < count) {
            PyObject *next = PyList_GET_ITEM(texts, i + 1);
            if (!PyUnicode_Check(next)) {
                PyErr_SetString(PyExc_TypeError, "title_blocks: texts must be strings");
                goto fail;
            }
            next_words = word_count(next);
        }
        int same = 0;
        if (i > 0) {
            same = PyObject_RichCompareBool(PyList_GET_ITEM(tokens, i - 1), PyList_GET_ITEM(tokens, i), Py_EQ);
            if (same < 0)
                goto fail;
        }
        row[0] = log_distance(d);
        row[1] = log1p((double)(d < 0 ? -d : d));
        row[2] = d < 0;
        row[3] = d == 0;
        row[4] = d == -1;
        row[5] = -3 <= d && d <= -2;
        row[6] = -8 <= d && d <= -4;
        row[7] = log_distance(i - run_start);
        row[8] = log_distance(i - first_prose);
        row[9] = log_distance(i - first_long);
        row[10] = nearest == 1;
        row[11] = 2 <= nearest && nearest <= 3;
        row[12] = 4 <= nearest && nearest <= 10;
        row[13] = log1p((double)nearest);
        row[14] = (double)ahead;
        row[15] = log1p((double)i);
        row[16] = (double)i / (double)(count > 1 ? count : 1);
        row[17] = i < top;
        row[18] = log1p((double)rank);
        row[19] = rank == 0 && d < 0;
        row[20] = kept;
        row[21] = !in_rows;
        row[22] = no_rule;
        row[23] = duplicate;
        row[24] = !no_rule && !duplicate;
        around(dated, n_dated, i, row + 25);
        around(bylined, n_bylined, i, row + 31);
        row[37] = log1p((double)prose_after);
        row[38] = prose_after == 0;
        row[39] = log1p((double)window_sum(prose, n_prose, low, i - 10, i));
        row[40] = (double)window_sum(shorts, n_short, low, i - 5, i) / 5;
        row[41] = (double)window_sum(shorts, n_short, low, i + 1, i + 6) / 5;
        row[42] = i + 1 < count && equals(PyList_GET_ITEM(classes, i + 1), "prose");
        row[43] = i > 0 && equals(PyList_GET_ITEM(classes, i - 1), "short");
        row[44] = 8 <= next_words && next_words <= 60;
        row[45] = same;
        PyObject *list = list_of_floats(row, TITLE_BLOCK_FEATURES);
        if (list == NULL)
            goto fail;
        PyList_SET_ITEM(out, s, list);
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    PyMem_Free(dated);
    PyMem_Free(bylined);
    PyMem_Free(prose);
    PyMem_Free(shorts);
    PyMem_Free(anchors);
    return out;
}

#define TITLE_TEXT_FEATURES 33

/* Whether text holds the ASCII string needle. */
static int holds(PyObject *text, const char *needle)
{
    PyObject *sub = PyUnicode_FromString(needle);
    if (sub == NULL)
        return -1;
    int found = PyUnicode_Contains(text, sub);
    Py_DECREF(sub);
    return found;
}

/* Whether the alphabetic words of text (split as str.split does) are none lower-case outside stop: the
 * title_case feature's "no lower-case word" half. -1 with an exception set on failure. */
static int none_lower(PyObject *text, int kind, const void *data, Py_ssize_t length, PyObject *stop, int *any_alpha)
{
    *any_alpha = 0;
    int lower_found = 0;
    for (Py_ssize_t k = 0; k < length;) {
        while (k < length && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            k++;
        if (k == length)
            break;
        Py_ssize_t begin = k;
        while (k < length && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            k++;
        Py_UCS4 first = PyUnicode_READ(kind, data, begin);
        if (!Py_UNICODE_ISALPHA(first))
            continue;
        *any_alpha = 1;
        if (lower_found || !Py_UNICODE_ISLOWER(first))
            continue;
        PyObject *word = PyUnicode_Substring(text, begin, k);
        if (word == NULL)
            return -1;
        PyObject *folded = PyObject_CallMethod(word, "casefold", NULL);
        Py_DECREF(word);
        if (folded == NULL)
            return -1;
        int in_stop = PySet_Contains(stop, folded);
        Py_DECREF(folded);
        if (in_stop < 0)
            return -1;
        if (!in_stop)
            lower_found = 1;
    }
    return !lower_found;
}

/* Whether every character of word is a digit (str.isdigit; word is not empty). */
static int all_digits(PyObject *word)
{
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    Py_ssize_t length = PyUnicode_GET_LENGTH(word);
    for (Py_ssize_t k = 0; k < length; k++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, k)))
            return 0;
    return length > 0;
}

/* title_text(text, words, segment, segments, stop, slug, lede, body, label_words, looks_like_name, breadcrumb):
 * title._Context.text's row of one candidate text, computed as the Python path computes it. */
static PyObject *title_text(PyObject *module, PyObject *args)
{
    PyObject *text, *words, *stop, *slug, *lede, *body, *label_words, *looks_like_name, *breadcrumb;
    Py_ssize_t segment, segments;
    if (!PyArg_ParseTuple(args, "UO!nnOOOOOOO", &text, &PyList_Type, &words, &segment, &segments, &stop, &slug,
                          &lede, &body, &label_words, &looks_like_name, &breadcrumb))
        return NULL;
    if (!PyAnySet_Check(stop) || !PyAnySet_Check(slug) || !PyAnySet_Check(lede) || !PyAnySet_Check(body)
        || !PyAnySet_Check(label_words)) {
        PyErr_SetString(PyExc_TypeError, "title_text: stop, slug, lede, body and label_words must be sets");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), count = PyList_GET_SIZE(words);
    double row[TITLE_TEXT_FEATURES];
    int any_alpha;
    int no_lower = none_lower(text, kind, data, length, stop, &any_alpha);
    if (no_lower < 0)
        return NULL;
    int upper_same = 0;
    if (any_alpha) {
        PyObject *upper = PyObject_CallMethod(text, "upper", NULL);
        if (upper == NULL)
            return NULL;
        upper_same = PyUnicode_Compare(upper, text) == 0;
        Py_DECREF(upper);
        if (PyErr_Occurred())
            return NULL;
    }
    Py_ssize_t end = length;
    while (end > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, end - 1);
        if (c != '"' && c != '\'' && c != 0x201D && c != 0x2019 && c != ')' && c != ']')
            break;
        end--;
    }
    Py_UCS4 last = end > 0 ? PyUnicode_READ(kind, data, end - 1) : 0;
    int digit = 0, crumb_char = 0;
    for (Py_ssize_t k = 0; k < length; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        if (Py_UNICODE_ISDIGIT(c))
            digit = 1;
        if (c == '/' || c == 0xBB || c == 0x203A || c == '>' || c == 0x2192 || c == '\\')
            crumb_char = 1;
    }
    Py_ssize_t slug_size = PySet_GET_SIZE(slug), covered = 0, unique_size = 0;
    Py_ssize_t content = 0, in_lede = 0, in_body = 0;
    PyObject *unique = PySet_New(words);
    if (unique == NULL)
        return NULL;
    unique_size = PySet_GET_SIZE(unique);
    if (slug_size)
        covered = count_in(unique, slug);
    Py_DECREF(unique);
    if (covered < 0)
        return NULL;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *word = PyList_GET_ITEM(words, k);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "title_text: words must be strings");
            return NULL;
        }
        if (PyUnicode_GET_LENGTH(word) <= 2)
            continue;
        int in_stop = PySet_Contains(stop, word);
        if (in_stop < 0)
            return NULL;
        if (in_stop || all_digits(word))
            continue;
        content++;
        int a = PySet_Contains(lede, word), b = a < 0 ? -1 : PySet_Contains(body, word);
        if (b < 0)
            return NULL;
        in_lede += a;
        in_body += b;
    }
    int name_like = 0;
    if (count <= 6) {
        Py_ssize_t comma = PyUnicode_FindChar(text, ',', 0, length, 1);
        if (comma == -2)
            return NULL;
        PyObject *head = PyUnicode_Substring(text, 0, comma < 0 ? length : comma);
        if (head == NULL)
            return NULL;
        PyObject *result = PyObject_CallOneArg(looks_like_name, head);
        Py_DECREF(head);
        if (result == NULL)
            return NULL;
        name_like = PyObject_IsTrue(result);
        Py_DECREF(result);
        if (name_like < 0)
            return NULL;
    }
    int label = 0;
    if (count) {
        label = PySet_Contains(label_words, PyList_GET_ITEM(words, 0));
        if (label < 0)
            return NULL;
    }
    int crumbs = 0;
    if (segment < 0 && crumb_char) {
        PyObject *parts = PyObject_CallOneArg(breadcrumb, text);
        if (parts == NULL)
            return NULL;
        crumbs = PyObject_IsTrue(parts);
        Py_DECREF(parts);
        if (crumbs < 0)
            return NULL;
    }
    int colon = holds(text, ":"), scheme = colon < 0 ? -1 : holds(text, "://");
    int at = scheme < 0 ? -1 : holds(text, "@");
    if (at < 0)
        return NULL;
    int www = length >= 4 && PyUnicode_READ(kind, data, 0) == 'w' && PyUnicode_READ(kind, data, 1) == 'w'
              && PyUnicode_READ(kind, data, 2) == 'w' && PyUnicode_READ(kind, data, 3) == '.';
    double lede_share = content ? (double)in_lede / (double)content : 0.0;
    double body_share = content ? (double)in_body / (double)content : 0.0;
    double slug_cover = slug_size ? (double)covered / (double)slug_size : 0.0;
    row[0] = (double)(count < 40 ? count : 40) / 10;
    row[1] = count == 1;
    row[2] = count == 2;
    row[3] = 3 <= count && count <= 12;
    row[4] = 13 <= count && count <= 20;
    row[5] = count >= 21;
    row[6] = (double)(length < 300 ? length : 300) / 100;
    row[7] = any_alpha && count >= 2 && no_lower;
    row[8] = any_alpha && upper_same;
    row[9] = last == '.' || last == ',' || last == ';' || last == ':';
    row[10] = last == '?' || last == '!';
    row[11] = digit;
    row[12] = length > 0 && Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, 0));
    row[13] = colon;
    row[14] = scheme || www || at;
    row[15] = name_like;
    row[16] = label;
    row[17] = slug_cover;
    row[18] = slug_size && unique_size ? (double)covered / (double)unique_size : 0.0;
    row[19] = slug_cover >= 0.99;
    row[20] = slug_size && covered == 0;
    row[21] = !slug_size;
    row[22] = lede_share;
    row[23] = body_share;
    row[24] = content && body_share == 0;
    row[25] = !content;
    row[26] = crumbs;
    row[27] = segment >= 0;
    row[28] = segment == 0;
    row[29] = segment >= 0 && segment == segments - 1;
    row[30] = segment >= 0 ? (double)(segments < 5 ? segments : 5) : 0.0;
    row[31] = 0.0;
    row[32] = 0.0;
    return list_of_floats(row, TITLE_TEXT_FEATURES);
}

static PyMethodDef methods[] = {
    {"block_features", block_features, METH_VARARGS,
     "block_features(texts, tokens, rule, classes, in_run, candidates, stop, slug, english, groups): "
     "one row of the finder's block features per candidate."},
    {"context_features", context_features, METH_VARARGS,
     "context_features(q, words): one row of the context features per candidate."},
#if PY_VERSION_HEX < 0x030C0000
    {"linear", linear, METH_VARARGS, "linear(rows, weights, bias): the first stage's probability of each row."},
#endif
    {"title_blocks", title_blocks, METH_VARARGS,
     "title_blocks(searched, count, start, run_start, first_prose, first_long, anchors, top, headline_rank, rules, "
     "classes, texts, tokens, keep, rows, dated, bylined, prose, short, low): the title ranker's block rows."},
    {"title_text", title_text, METH_VARARGS,
     "title_text(text, words, segment, segments, stop, slug, lede, body, label_words, looks_like_name, "
     "breadcrumb): the title ranker's text row of one candidate."},
    {"viterbi", viterbi, METH_VARARGS, "viterbi(probabilities, t00, t01, t10, t11, start0, start1, prior0, "
     "prior1, epsilon): the most likely state of each block."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_native", "The article finder's and the title ranker's per-block work in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void)
{
    if (PyType_Ready(&ForestType) < 0)
        return NULL;
    if (zero == NULL) {
        zero = PyFloat_FromDouble(0.0);
        one = PyFloat_FromDouble(1.0);
        minus_one = PyFloat_FromDouble(-1.0);
        if (zero == NULL || one == NULL || minus_one == NULL)
            return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Py_INCREF(&ForestType);
    if (PyModule_AddObject(module, "Forest", (PyObject *)&ForestType) < 0) {
        Py_DECREF(&ForestType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
