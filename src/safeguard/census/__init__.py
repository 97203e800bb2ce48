"""The DfE and Ofsted returns: the CIN census file (`reader`, `importer`, `exporter`), Ofsted's
Annex A (`annex_a`), the DfE census rules (`dfe_rules`) and their commands; and what the census
carries that the exchange format does not (`models`: CIN episodes, section 47 enquiries, the
number of previous plans). Built on safeguard.exchange (the CSV bundle), which never imports it."""
