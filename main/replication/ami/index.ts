export { AMI_MODES, AmiError, amiName, applyRetention, createAmi, ec2Client, listServerAmis, type AmiErrorCode, type AmiMode, type AmiRequest, type AmiResult, type AmiSource } from './ami';
export { createAmiJournaled } from './journaled';
