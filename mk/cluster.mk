# A local Sphinx cluster for the second search backend (included by the main Makefile, which
# defines BIN and the `install` target). Debian's sphinxsearch: searchd 2.2.11, SphinxQL only.
#   make cluster        two RT shards, each with one mirror, behind a distributed index on
#                       127.0.0.1:$(CLUSTER_PORT) (SphinxQL); returns once every searchd answers
#   make cluster-stop   stops every searchd of $(CLUSTER_DIR) (tolerates dead ones)
CLUSTER_PORT ?= 9306
CLUSTER_DIR  ?= var/cluster

.PHONY: sphinx-deps cluster cluster-stop cluster-status

# Debian's sphinxsearch, only when searchd is missing. The package ships an init script that
# stays off (/etc/default/sphinxsearch: START=no); it is disabled and stopped anyway so that
# no system searchd ever holds 9306/9312.
sphinx-deps:
	@if ! command -v searchd >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian's sphinxsearch (searchd) for the Sphinx backend"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq sphinxsearch >/dev/null; \
	  $$SUDO update-rc.d sphinxsearch disable >/dev/null 2>&1 || true; \
	  $$SUDO /etc/init.d/sphinxsearch stop >/dev/null 2>&1 || true; \
	fi

cluster: sphinx-deps install
	$(BIN)/python -m indexer.backends.sphinx.cluster start --dir $(CLUSTER_DIR) --port $(CLUSTER_PORT)

cluster-stop:
	@if [ -f $(CLUSTER_DIR)/cluster.json ]; then $(BIN)/python -m indexer.backends.sphinx.cluster stop --dir $(CLUSTER_DIR); fi

cluster-status:
	$(BIN)/python -m indexer.backends.sphinx.cluster status --dir $(CLUSTER_DIR)
