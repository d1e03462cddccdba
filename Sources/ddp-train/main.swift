print("ddp-train")
