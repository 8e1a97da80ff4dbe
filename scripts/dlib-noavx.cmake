# CMake settings for dlib's Python build on x86-64 CPUs without AVX (scripts/build-dlib.sh passes
# this file as CMAKE_TOOLCHAIN_FILE). dlib's own build turns AVX on whenever the build machine
# has it (check_if_avx_instructions_executable_on_host.cmake), which would build the same wheel
# as dlib-bin: the answer is fixed here instead, for every build machine.
set(AVX_IS_AVAILABLE_ON_HOST 0 CACHE BOOL "set by the kiosk: build for CPUs without AVX" FORCE)
set(USE_AVX_INSTRUCTIONS OFF CACHE BOOL "set by the kiosk: Celeron/Atom boards have no AVX" FORCE)
# SSE4.1/4.2 are in every x86-64-v2 CPU (Nehalem and later, Goldmont, Tremont): the baseline
# that numpy, OpenCV and Qt already require.
set(SSE4_IS_AVAILABLE_ON_HOST 1 CACHE BOOL "set by the kiosk: SSE4.2 is the kiosk boards' baseline" FORCE)
set(USE_SSE4_INSTRUCTIONS ON CACHE BOOL "set by the kiosk: SSE4.2 is the kiosk boards' baseline" FORCE)
# JPEG and PNG from the copies inside dlib's source, never the build machine's libraries: the
# wheel then needs nothing the kiosk does not already have (like dlib-bin's).
set(JPEG_FOUND 0 CACHE BOOL "set by the kiosk: use dlib's own libjpeg" FORCE)
set(PNG_FOUND 0 CACHE BOOL "set by the kiosk: use dlib's own libpng" FORCE)
