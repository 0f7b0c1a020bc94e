# prod-sim up, for PowerShell: the images must exist (build them with scripts/images-build.sh
# or CI); then start the stack and wait for every service to be healthy.
#   pwsh scripts/stack-prod-sim-up.ps1 [-Airgap]
param([switch]$Airgap)
. (Join-Path $PSScriptRoot 'lib/prod-sim.ps1')
if ($Airgap) { $env:IMAGES_OVERRIDE = 'deploy/images.airgap.env' }
Initialize-ProdSimEnv
Write-Host "[prod-sim] starting the stack ($($env:IMAGE_TAG)); the Supabase API services (profile 'supabase') are not started offline"
try {
  Invoke-StackCompose @('up', '-d', '--pull', 'never', '--wait', '--wait-timeout', '240')
} catch {
  Invoke-StackCompose @('ps', '-a')
  Invoke-StackCompose @('logs', '--no-color', '--tail', '40')
  throw
}
Write-Host "[prod-sim] up: https://app.localhost$($env:STACK_PORT_SUFFIX)  https://api.localhost$($env:STACK_PORT_SUFFIX)  https://s3.localhost$($env:STACK_PORT_SUFFIX)"
