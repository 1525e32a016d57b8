# an RWMutex whose writer sorts under the lock: readers waiting in RLock linked to the writer's Lock/Unlock at one lock site, with the CPU under the lock
heapscope blocking testdata/pprof/locks
