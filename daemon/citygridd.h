/*
 * citygridd.h: the daemon's internal header.  Prototypes are grouped
 * under the file they live in.
 */
#ifndef CITYGRIDD_H
#define CITYGRIDD_H

#include "cg.h"

#endif /* CITYGRIDD_H */
