import RelHub

await RelhubCommand.runMain()
