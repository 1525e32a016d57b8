# --junit: the XML is parsed with xml.etree by verify_growth.py and must say what stdout says
heapscope check --rules testdata/rules/growth.yaml --base testdata/pprof/growth/heap-1.pb.gz --junit {tmp}/junit.xml testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-6.pb.gz
