.DEFAULT_GOAL := help
help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
install:  ## install pvkg with the test extras (editable)
	pip install -e '.[test]'
fmt:  ## format the code
	ruff format pvkg loaders service tests bench
lint:  ## lint the code
	ruff check pvkg loaders service tests bench
test:  ## run the tests
	pytest -q
check:  ## ontology consistency (HermiT) and term check
	pvkg check
serve:  ## serve the demo
	pvkg serve --demo
