#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rawtree.h"

/* One entry's bytes: MODE " " NAME "\0" and a 20-byte id of BYTE. */
static size_t entry(unsigned char *out, const char *mode, const char *name, size_t namelen,
		    unsigned char byte)
{
	size_t n = 0;

	memcpy(out, mode, strlen(mode));
	n += strlen(mode);
	out[n++] = ' ';
	memcpy(out + n, name, namelen);
	n += namelen;
	out[n++] = '\0';
	memset(out + n, byte, GIT_OID_RAWSZ);
	return n + GIT_OID_RAWSZ;
}

static int parse_all(const unsigned char *buf, size_t len, struct pg_rawtree_entry *e, int max)
{
	const unsigned char *pos = buf;
	int n = 0, r = 0;

	while (n < max && (r = pg_rawtree_next(&pos, buf + len, &e[n])) == 1)
		n++;
	return r < 0 ? -1 : n;
}

static void test_entries(void **state)
{
	unsigned char buf[256];
	struct pg_rawtree_entry e[4];
	size_t len;

	(void)state;
	len = entry(buf, "100644", "README", 6, 0x11);
	len += entry(buf + len, "40000", "src", 3, 0x22);
	len += entry(buf + len, "120000", "link", 4, 0x33);
	len += entry(buf + len, "160000", "sub", 3, 0x44);
	assert_int_equal(parse_all(buf, len, e, 4), 4);
	assert_int_equal(e[0].mode, 0100644);
	assert_string_equal(e[0].name, "README");
	assert_int_equal(e[0].namelen, 6);
	assert_int_equal(e[0].id[0], 0x11);
	assert_int_equal(e[0].id[19], 0x11);
	assert_int_equal(e[1].mode, 040000);
	assert_true(pg_rawtree_is_dir(e[1].mode));
	assert_false(pg_rawtree_is_dir(e[0].mode));
	assert_false(pg_rawtree_is_dir(e[2].mode));
	assert_false(pg_rawtree_is_dir(e[3].mode));	/* a submodule is no directory here */
	assert_int_equal(e[3].id[0], 0x44);
	/* The empty tree has no entries, and that is no error. */
	assert_int_equal(parse_all(buf, 0, e, 4), 0);
}

static void test_names_any_byte_but_nul(void **state)
{
	unsigned char buf[128];
	struct pg_rawtree_entry e[1];
	size_t len = entry(buf, "100644", "a\nb\x1b[31m\xc3\xa9", 10, 0x55);

	(void)state;
	assert_int_equal(parse_all(buf, len, e, 1), 1);
	assert_int_equal(e[0].namelen, 10);
	assert_memory_equal(e[0].name, "a\nb\x1b[31m\xc3\xa9", 10);
}

static void test_malformed(void **state)
{
	unsigned char buf[128];
	struct pg_rawtree_entry e[2];
	size_t len;

	(void)state;
	/* A mode that is not octal. */
	len = entry(buf, "100844", "x", 1, 0x11);
	assert_int_equal(parse_all(buf, len, e, 2), -1);
	/* No mode at all. */
	len = entry(buf, "", "x", 1, 0x11);
	assert_int_equal(parse_all(buf, len, e, 2), -1);
	/* More digits than any mode has. */
	len = entry(buf, "10064400", "x", 1, 0x11);
	assert_int_equal(parse_all(buf, len, e, 2), -1);
	/* An empty name. */
	len = entry(buf, "100644", "", 0, 0x11);
	assert_int_equal(parse_all(buf, len, e, 2), -1);
	/* An id cut short, after a good entry: the good one is read first. */
	len = entry(buf, "100644", "ok", 2, 0x11);
	len += entry(buf + len, "100644", "cut", 3, 0x22);
	assert_int_equal(parse_all(buf, len - 1, e, 2), -1);
	assert_string_equal(e[0].name, "ok");
	/* A name with no NUL before the end. */
	memcpy(buf, "100644 name", 11);
	assert_int_equal(parse_all(buf, 11, e, 2), -1);
	/* A mode and nothing else. */
	assert_int_equal(parse_all(buf, 6, e, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_names_any_byte_but_nul),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
