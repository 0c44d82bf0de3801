output "api_invoke_url" {
  value = aws_api_gateway_stage.live.invoke_url
}

output "website_endpoint" {
  value = aws_s3_bucket_website_configuration.www.website_endpoint
}
