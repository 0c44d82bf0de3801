provider "aws" {
  region = var.region

  default_tags {
    tags = {
      ManagedBy = "terraform"
      Repo      = "rso/residents-portal-infra"
    }
  }
}

data "aws_caller_identity" "current" {}
