import NovarecML

OpenBLASRuntime.reexecWithOptimizedKernelsIfNeeded()
NovarecCommand.main()
