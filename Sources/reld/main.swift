import RelDaemon

await ReldCommand.runMain()
