import RelCLI

await Relctl.runMain()
