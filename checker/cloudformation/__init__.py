"""AWS CloudFormation (and SAM) templates: YAML/JSON loading with lines, intrinsic functions,
and translation of each resource into the equivalent Terraform-shaped RawResource so that the
normalizers and policies written for Terraform apply unchanged."""
