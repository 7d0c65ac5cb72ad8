# The toolchain (bootstrap/README.md). For a target arch the stages of
# bootstrap/ are ports of the same graph, built with the host compiler in
# the sandbox; every port of ports/ implicitly build-depends on the final
# toolchain and C runtime below, so their keys include the stages' keys and
# their sysroots get them (toolchain/ of the sysroot is mounted at
# /toolchain). For ARCH=host the host compiler is the toolchain. Either way
# the host's compiler and build tools are part of every key (HOST_KEY).

BOOTSTRAP_DIR      := $(TOP)/bootstrap
TOOLCHAIN_STAGES   := binutils linux-headers gcc glibc gcc-runtime
TOOLCHAIN_PACKAGES := binutils gcc gcc-runtime libgcc libstdc++ glibc glibc-dev linux-headers-dev

# Computed on first use (in the graph recipe, after $(PREREQ_STAMP) has
# installed the compiler it asks), once per make run; never at parse time,
# where a fresh machine has no cc yet.
HOST_KEY = $(eval HOST_KEY := $(shell sh $(TOP)/mk/host-key.sh))$(HOST_KEY)
ifeq ($(ARCH),host)
GRAPH_ARGS = --toolchain-key $(HOST_KEY)
else
GRAPH_ARGS = --toolchain-key $(HOST_KEY) --stages $(BOOTSTRAP_DIR) \
	--with "$(TOOLCHAIN_PACKAGES)"
endif
TOOLCHAIN_ARGS :=
# Stages that build out of tree and only read their sources: one extracted,
# patched tree in the source store serves them all (krill build
# --shared-src; gcc and gcc-runtime unpack the same 1.2 GB, same patches).
KR_SHARED_SRC := gcc gcc-runtime

.PHONY: toolchain toolchain-check
ifeq ($(ARCH),host)
toolchain toolchain-check:
	@echo "toolchain: ARCH=host uses the host compiler"
else
toolchain: $(TOOLCHAIN_STAGES)
	@echo "toolchain: $(ARCH)-krill-linux-gnu stages built (results in $(KR_RESULTS))"

# The toolchain as users install it: paths grep + C/C++ programs run.
toolchain-check: toolchain
	$(Q)$(TOP)/ci/check-toolchain.sh $(ARCH) \
		$(foreach s,$(TOOLCHAIN_STAGES),$(KR_RESULTS)/$(KR_KEY_$(s)))
endif
