environment       = "prod"
region            = "ap-east-1"
db_instance_class = "db.m6g.large"
app_version       = "2.3.1"

extra_tags = {
  CostCentre = "RSO-IT-0427"
  Contact    = "portal-ops@rso.example.gov.hk"
}

db_ingress_rules = [
  {
    description = "Portal application subnets"
    port        = 5432
    cidr_blocks = ["10.20.0.0/16"]
  },
  {
    description = "Contractor DBA access"
    port        = 5432
    cidr_blocks = ["0.0.0.0/0"]
  },
]
