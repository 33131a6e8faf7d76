// Small line icons drawn inline (no icon font, no remote assets: the CSP allows neither).

export type IconName =
  | 'folder' | 'folder-open' | 'tensor' | 'object' | 'warning' | 'search' | 'close' | 'chevron'
  | 'compare' | 'convert' | 'logo' | 'file' | 'up' | 'check';

const PATHS: Readonly<Record<IconName, string>> = {
  folder: 'M2 4.5A1.5 1.5 0 0 1 3.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0 1 14 6v5.5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11.5z',
  'folder-open': 'M2 4.5A1.5 1.5 0 0 1 3.5 3h3l1.5 1.5h4A1.5 1.5 0 0 1 13.5 6v1M2 12.5l1.6-4.8A1 1 0 0 1 4.5 7h9.2a.8.8 0 0 1 .76 1.05L13 12.5a1 1 0 0 1-.95.5H2.5z',
  tensor: 'M3 3h10v10H3zM3 6.5h10M3 9.5h10M6.5 3v10M9.5 3v10',
  object: 'M5 3C3.5 3 3.5 4 3.5 5.5S2.5 8 2.5 8s1 .5 1 2.5S3.5 13 5 13M11 3c1.5 0 1.5 1 1.5 2.5S13.5 8 13.5 8s-1 .5-1 2.5.0 2.5-1.5 2.5',
  warning: 'M8 2.5 14 13H2zM8 6.5v3M8 11.2v.3',
  search: 'M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM10.6 10.6 14 14',
  close: 'M4 4l8 8M12 4l-8 8',
  chevron: 'M6 4l4 4-4 4',
  compare: 'M5 2v9M2.5 8.5 5 11l2.5-2.5M11 14V5M8.5 7.5 11 5l2.5 2.5',
  convert: 'M2.5 5.5h9l-2.5-2.5M13.5 10.5h-9l2.5 2.5',
  logo: 'M2 3h12v10H2zM2 7.5h12M6.5 3v10M6.5 10.25h7.5',
  file: 'M4 2h5l3 3v9H4zM9 2v3h3',
  up: 'M8 13V3M4 7l4-4 4 4',
  check: 'M3 8.5 6.5 12 13 4.5',
};

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={`icon ${className ?? ''}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
