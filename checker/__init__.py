"""pdguard: keeps personal data from leaking out of public clouds."""
__version__ = "0.1.0"
