"""The knowledge base: policy, products, FAQ, readme.txt, third-party catalogue."""
