/**
 * Default automatic replies. Services edit them, but a service that never does still answers
 * every message: the first message always gets an acknowledgement, and out of hours always gets
 * a bounce-back that says where to go now.
 */
export const DEFAULT_WELCOME_MESSAGE =
  'Thank you for your message. It has reached our team and is confidential: we will only share what you tell us if we are worried about your safety or someone else’s, and we would talk to you first where we can. ' +
  'This is not an emergency service. If you need help now, call 999 in an emergency or 111 for urgent advice.';

export const DEFAULT_OUT_OF_HOURS_MESSAGE =
  'Our team is not working right now. We have received your message and will reply when we are next open. ' +
  'If you need help now: call 999 in an emergency, call NHS 111 for urgent advice, text SHOUT to 85258 for free 24/7 mental health support, or call Childline on 0800 1111.';

export const CRISIS_SIGNPOSTING =
  'This is not a crisis service. In an emergency call 999. For urgent advice call NHS 111. For mental health support any time, text SHOUT to 85258.';
