# Thin front of CMake. `make run` and `make test` work on a fresh Debian 12 machine as root: they install the
# Debian packages that are missing first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
PY := /usr/bin/python3
V2XSIM := $(BUILD)/sim/v2xsim
SCENARIO ?= scenarios/default.textproto
OUT ?= out/default.h5
# make fuzz: libFuzzer harnesses of the trace readers and the other inputs (tests/fuzz), built with clang in their own build dir, FUZZ_SECONDS each.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_READERS ?= fcd csv ns2 scenario sweep sites platform manifest cli

# make asan: AddressSanitizer + UndefinedBehaviorSanitizer build (g++) in its own build dir, running the unit
# suite and the end-to-end suite (ASAN_TESTS, a ctest -R regex). The v2xsim binary of that build runs SimGrid
# with thread contexts (raw contexts switch stacks behind ASan's back: a false stack-use-after-scope whenever an
# exception leaves an actor); see sim/CMakeLists.txt. Leak suppressions, each justified: tests/asan/lsan.supp
# (fast_unwind_on_malloc=0: HDF5 has no frame pointers, and the suppressions match its frames by name).
ASAN_BUILD ?= build-asan
ASAN_TESTS ?= ^unit:|^e2e:
ASAN_ENV := V2X_ASAN=1 ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/asan/lsan.supp:print_suppressions=0
# The tests whose HDF5 leak suppressions must see HDF5's frames run with the slow unwinder
# (fast_unwind_on_malloc=0: HDF5 has no frame pointers); every other test with the fast one (the default), which
# takes the unit and e2e suites from about 290 s to about 60 s of tests here.
ASAN_SLOW_TESTS ?= ^unit:a write error \(file size limit|^unit:the HDF5 writer checks its path first|^e2e:test_bad_input$$
ASAN_ENV_FAST := $(subst fast_unwind_on_malloc=0:,,$(ASAN_ENV))

DEBS := g++ make cmake pkg-config libsimgrid-dev libboost-graph-dev libprotobuf-dev protobuf-compiler \
        libhdf5-dev hdf5-tools catch2 libcli11-dev zlib1g-dev liblzma-dev libexpat1-dev \
        python3 python3-h5py python3-pandas python3-matplotlib python3-pytest python3-numpy \
        sumo sumo-tools time clang-14 libclang-rt-14-dev \
        python3-plotly chromium influxdb influxdb-client \
        libzmq3-dev cppzmq-dev python3-zmq python3-protobuf \
        libproj-dev proj-data

.PHONY: all deps build run test bench fuzz asan clean format

all: build

deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p $(dir $(OUT))
	$(V2XSIM) run $(SCENARIO) -o $(OUT)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	tools/bench.sh $(BUILD)

# The shipped policy comparison (scenarios/sweeps/compare_policies.textproto), then its HTML report
# (SWEEP_OUT/report/report.html). Run again: complete runs are skipped.
SWEEP ?= scenarios/sweeps/compare_policies.textproto
SWEEP_OUT ?= out/sweeps/compare_policies
.PHONY: report
report: build
	$(V2XSIM) sweep $(SWEEP) --out $(SWEEP_OUT)
	$(PY) analysis/report.py $(SWEEP_OUT)

fuzz: deps
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DV2X_FUZZ=ON -DV2X_BUILD_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_READERS))
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_READERS)

asan: deps
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DV2X_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target v2xsim unit_tests
	cd $(ASAN_BUILD) && $(ASAN_ENV_FAST) ctest --output-on-failure -j $(JOBS) -R '$(ASAN_TESTS)' -E '$(ASAN_SLOW_TESTS)'
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) -R '$(ASAN_SLOW_TESTS)'

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files 'sim/*.cpp' 'sim/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
