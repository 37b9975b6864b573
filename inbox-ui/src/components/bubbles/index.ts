/** One bubble component per message type (Chatwoot's bubbles/<Type>.vue). */
import type { Component } from 'vue';
import type { MessageType } from '../../api/types.js';
import Audio from './Audio.vue';
import Contacts from './Contacts.vue';
import Document from './Document.vue';
import Image from './Image.vue';
import Interactive from './Interactive.vue';
import Location from './Location.vue';
import Reaction from './Reaction.vue';
import Sticker from './Sticker.vue';
import Template from './Template.vue';
import Text from './Text.vue';
import Unsupported from './Unsupported.vue';
import Video from './Video.vue';

export const BUBBLES: Record<MessageType, Component> = {
  text: Text,
  image: Image,
  audio: Audio,
  video: Video,
  document: Document,
  sticker: Sticker,
  location: Location,
  contacts: Contacts,
  interactive: Interactive,
  button: Interactive,
  template: Template,
  reaction: Reaction,
  system: Text,
  unsupported: Unsupported,
};

export const bubbleFor = (type: string): Component => BUBBLES[type as MessageType] ?? Unsupported;
