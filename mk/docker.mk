# Container build: the one place that says how the image's binary and root
# are made. The Dockerfile and test/container/run.sh both call these targets,
# so the CI test runs exactly what the image ships.
#
#   make static        static headless binary in bin/netpulse
#   make rootfs        the image's whole root in $(ROOTFS)
#   make docker        docker build, tagged $(IMAGE):$(VERSION) and :latest
#   make docker-test   run the image's root unprivileged from an empty,
#                      read-only root, and validate docker-compose.yml
#
# Usable alone (make -f mk/docker.mk static) or included from the Makefile.

GO        ?= go
DOCKER    ?= docker
IMAGE     ?= netpulse
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null)
ROOTFS    ?= bin/rootfs
CA_BUNDLE ?= /etc/ssl/certs/ca-certificates.crt
ZONEINFO  ?= /usr/share/zoneinfo
# distroless's nonroot user, so volumes and policies written for it fit
APP_UID   ?= 65532

# Docker's platform arguments (set by BuildKit, empty otherwise) name the
# target; Go calls the arm variant GOARM and has no use for it elsewhere.
STATIC_ENV := CGO_ENABLED=0
ifneq ($(TARGETOS),)
STATIC_ENV += GOOS=$(TARGETOS)
endif
ifneq ($(TARGETARCH),)
STATIC_ENV += GOARCH=$(TARGETARCH)
endif
ifeq ($(TARGETARCH),arm)
STATIC_ENV += GOARM=$(patsubst v%,%,$(TARGETVARIANT))
endif

.PHONY: static rootfs docker docker-test

# -buildvcs=false: the image is built without .git, so a local build must not
# stamp VCS data either; the version comes from -X alone.
static:
	$(STATIC_ENV) $(GO) build -trimpath -buildvcs=false \
		-ldflags "-s -w -X main.version=$(VERSION)" -o bin/netpulse .

# Only what the binary needs at run time: CA bundle, time zones, passwd and
# group for the nonroot user, /data for the database, /tmp for a tmpfs. The
# zoneinfo copy leaves out right/ (leap-second clocks Go never uses) and
# localtime (a link to the build machine's /etc). Modes are set as the image
# needs them, whatever the umask here.
rootfs: static
	rm -rf $(ROOTFS)
	mkdir -p $(ROOTFS)/usr/local/bin $(ROOTFS)/etc/ssl/certs $(ROOTFS)/usr/share/zoneinfo \
		$(ROOTFS)/data $(ROOTFS)/tmp
	cp bin/netpulse $(ROOTFS)/usr/local/bin/netpulse
	cp $(CA_BUNDLE) $(ROOTFS)/etc/ssl/certs/ca-certificates.crt
	tar -C $(ZONEINFO) --exclude=./right --exclude=./localtime -cf - . | \
		tar -C $(ROOTFS)/usr/share/zoneinfo --no-same-owner -xf -
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:$(APP_UID):$(APP_UID):nonroot:/data:/sbin/nologin\n' \
		>$(ROOTFS)/etc/passwd
	printf 'root:x:0:\nnonroot:x:$(APP_UID):\n' >$(ROOTFS)/etc/group
	chmod -R u=rwX,go=rX $(ROOTFS)
	chmod 1777 $(ROOTFS)/tmp
	if [ "$$(id -u)" = 0 ]; then chown $(APP_UID):$(APP_UID) $(ROOTFS)/data; fi

docker:
	$(DOCKER) build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) \
		-t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

docker-test:
	bash test/container/run.sh
