#ifndef CANDOR_CPCRE2_SHIM_H
#define CANDOR_CPCRE2_SHIM_H

// Candor only ever matches UTF-8 text, so it uses the 8-bit library.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Function-like and casted macros do not import into Swift; re-export them.
static const PCRE2_SIZE candor_pcre2_unset = PCRE2_UNSET;
static const PCRE2_SIZE candor_pcre2_zero_terminated = PCRE2_ZERO_TERMINATED;

#endif
