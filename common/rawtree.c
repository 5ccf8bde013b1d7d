#include "rawtree.h"

#include <string.h>

int pg_rawtree_next(const unsigned char **pos, const unsigned char *end,
		    struct pg_rawtree_entry *e)
{
	const unsigned char *p = *pos, *nul;
	unsigned mode = 0;
	size_t digits = 0;

	if (p >= end)
		return 0;
	while (p < end && *p >= '0' && *p <= '7' && digits < 7) {
		mode = mode * 8 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (!digits || p >= end || *p++ != ' ')
		return -1;
	nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul || nul == p || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
		return -1;
	e->mode = mode;
	e->name = (const char *)p;
	e->namelen = (size_t)(nul - p);
	e->id = nul + 1;
	*pos = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

int pg_rawtree_is_dir(unsigned mode)
{
	return (mode & 0170000) == 0040000;
}
