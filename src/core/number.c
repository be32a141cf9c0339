#include "inspect/core/number.h"

#include <string.h>

bool number_parse(const char *s, size_t len, unsigned long long max,
		  unsigned long long *out)
{
	unsigned long long v = 0;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool number_parse_str(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	return number_parse(s, strlen(s), max, out);
}

unsigned long long number_or(const char *s, unsigned long long max,
			     unsigned long long otherwise)
{
	unsigned long long v;
	return s && number_parse_str(s, max, &v) ? v : otherwise;
}
