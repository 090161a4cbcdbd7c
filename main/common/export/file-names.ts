/** A file-name-safe slug of an application name (`SharePoint Farm` → `sharepoint-farm`). */
export function fileSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'application';
}
