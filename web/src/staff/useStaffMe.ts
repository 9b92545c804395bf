import { useOutletContext } from 'react-router-dom';
import type { Me } from '../shared/api/types.js';

/** The signed-in member, provided by StaffShell to every page inside it. */
export function useStaffMe(): Me {
  return useOutletContext<Me>();
}
