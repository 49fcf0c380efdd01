#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

// SwiftPM links every executable with `main` aliased to `<Module>_main`, which hides
// libFuzzer's own main; each target's `<Module>_main` hands control to libFuzzer instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

static inline int fuzz_driver_main(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
#endif
