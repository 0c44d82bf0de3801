variable "project" {
  type        = string
  description = "Short project code, used as the prefix of resource names."
  default     = "rsp"
}

variable "environment" {
  type        = string
  description = "Deployment environment."
  default     = "dev"
}

variable "region" {
  type    = string
  default = "ap-east-1"
}

variable "department" {
  type    = string
  default = "Residents Services Office"
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "db_ingress_rules" {
  type = list(object({
    description = string
    port        = number
    cidr_blocks = list(string)
  }))
  description = "Ingress rules of the applicant records database security group."
  default     = []
}

variable "admin_cidrs" {
  type        = list(string)
  description = "Networks allowed to SSH to the OCR worker."
  default     = ["0.0.0.0/0"]
}

variable "id_scan_retention_days" {
  type    = number
  default = 730
}

variable "app_version" {
  type    = string
  default = "1.0.0"
}
