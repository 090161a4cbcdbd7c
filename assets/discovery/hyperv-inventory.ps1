<#
  Migration Workbench: save a Hyper-V host's VM inventory as JSON, for `mwb discover hyperv --from-json DIR`.

  Run on the Hyper-V host (or a machine with the Hyper-V module and rights on it), in an elevated PowerShell:
      powershell.exe -NoProfile -ExecutionPolicy Bypass -File hyperv-inventory.ps1 -OutDir C:\mwb-hyperv
  then copy the folder to the consultant's machine. Add -ComputerName HOST to read a remote host over WinRM.
  It only reads: Get-VM, Get-VMHardDiskDrive, Get-VHD, Get-VMNetworkAdapter, Get-VMFirmware and the guests' KVP
  items (Msvm_KvpExchangeComponent), one JSON file each,
  with the same properties `mwb discover hyperv` selects when it runs PowerShell itself.
#>
param(
  [Parameter(Mandatory = $true)][string]$OutDir,
  [string]$ComputerName = $env:COMPUTERNAME
)
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null

$vms = @(Get-VM -ComputerName $ComputerName)
$drives = @($vms | Get-VMHardDiskDrive)

function Save($name, $items) {
  # -InputObject keeps a one-element list an array; UTF-8 without a byte order mark is read as well as with one.
  $json = ConvertTo-Json -InputObject @($items) -Depth 4
  [System.IO.File]::WriteAllText((Join-Path $OutDir "$name.json"), $json, (New-Object System.Text.UTF8Encoding $false))
}

Save 'Get-VM' ($vms | Select-Object Name, VMId, @{n='State';e={[string]$_.State}}, ProcessorCount, MemoryStartup, MemoryAssigned, DynamicMemoryEnabled, Generation, Version, Notes, ComputerName, CreationTime, IsClustered)
Save 'Get-VMHardDiskDrive' ($drives | Select-Object VMName, VMId, ControllerType, ControllerNumber, ControllerLocation, Path, DiskNumber)
Save 'Get-VHD' ($drives | Where-Object { $_.Path -and $null -eq $_.DiskNumber } | ForEach-Object { Get-VHD -ComputerName $ComputerName -Path $_.Path -ErrorAction SilentlyContinue } | Select-Object Path, VhdFormat, VhdType, Size, FileSize, ParentPath)
Save 'Get-VMNetworkAdapter' ($vms | Get-VMNetworkAdapter | Select-Object VMName, VMId, Name, MacAddress, SwitchName, IPAddresses, Connected, IsLegacy)
Save 'Get-VMFirmware' ($vms | Where-Object Generation -eq 2 | Get-VMFirmware | Select-Object VMName, VMId, SecureBoot)
# The guest OS, FQDN and IPs that running VMs publish through the KVP integration service (none for a VM that is off).
Save 'Msvm_KvpExchangeComponent' (Get-CimInstance -ComputerName $ComputerName -Namespace root/virtualization/v2 -ClassName Msvm_KvpExchangeComponent -ErrorAction SilentlyContinue | Select-Object SystemName, GuestIntrinsicExchangeItems)

Write-Host "Saved $($vms.Count) VMs to $OutDir"
