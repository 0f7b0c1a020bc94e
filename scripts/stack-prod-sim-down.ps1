# prod-sim down, for PowerShell. Data volumes stay unless -Volumes.
param([switch]$Airgap, [switch]$Volumes)
. (Join-Path $PSScriptRoot 'lib/prod-sim.ps1')
if ($Airgap) { $env:IMAGES_OVERRIDE = 'deploy/images.airgap.env' }
if (-not (Test-Path $ProdSimEnv)) { Write-Host '[prod-sim] nothing to stop'; exit 0 }
Initialize-ProdSimEnv
$down = @('down', '--remove-orphans')
if ($Volumes) { $down += '--volumes' }
Invoke-StackCompose $down
Write-Host '[prod-sim] stopped'
