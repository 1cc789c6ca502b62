#ifndef CANDOR_CPCRE2_SHIM_H
#define CANDOR_CPCRE2_SHIM_H

// Candor only ever matches UTF-8 text, so it uses the 8-bit library.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#endif
