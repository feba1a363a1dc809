"""The sub-containers the composition root (`campaigns.main.container`) is made of, one per concern."""
