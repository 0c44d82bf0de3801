locals {
  name_prefix = "${var.project}-${var.environment}"

  common_tags = merge(var.extra_tags, {
    Project     = var.project
    Environment = var.environment
    Department  = var.department
    System      = "Residents' services portal"
  })

  azs          = ["${var.region}a", "${var.region}b"]
  subnet_cidrs = [for i in range(length(local.azs)) : cidrsubnet(var.vpc_cidr, 8, i)]

  buckets = {
    id_scans = {
      purpose         = "Uploaded HKID card scans"
      expiration_days = var.id_scan_retention_days
    }
    permit_letters = {
      purpose         = "Issued permit letters"
      expiration_days = 2555
    }
  }
}
