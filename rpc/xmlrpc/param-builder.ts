import { FaultCode, XmlRpcParseError, quoteForMessage } from './errors.js';
import { decodeScalar } from './values.js';
import type { ScalarElement, XmlRpcValue } from './values.js';

interface ArrayFrame {
  kind: 'array';
  items: XmlRpcValue[];
  hasData: boolean;
}

interface StructFrame {
  kind: 'struct';
  members: Map<string, XmlRpcValue>;
  memberName: string | undefined;
  memberValue: XmlRpcValue | undefined;
}

type ContainerFrame = ArrayFrame | StructFrame;

/** Maximum steps named in a location. A deeper place keeps its first three and last two. */
const MAX_LOCATION_STEPS = 6;

/**
 * Assembles the value of one `<param>` from the elements inside it.
 *
 * The caller has already checked that each element may appear where it does, and it passes
 * the text of `<value>`, `<name>` and scalar elements when they close.
 */
export class ParamBuilder {
  /** Typed content of each open `<value>`, or undefined until that content is read. */
  private readonly valueContents: (XmlRpcValue | undefined)[] = [];
  private readonly containers: ContainerFrame[] = [];
  private value: XmlRpcValue | undefined;

  /**
   * Describes the place being read, such as 'in parameter 2, item 3, member "ID"'. Parameters
   * and array items count from 0.
   */
  readonly describeLocation = (): string => this.locationDescription();

  /**
   * @param paramIndex position of the parameter in the call, counted from 0 as OpenNebula
   *   does, where parameter 0 is the session string
   * @param maxDepth maximum number of nested arrays and structs
   */
  constructor(
    private readonly paramIndex: number,
    private readonly maxDepth: number,
  ) {}

  openElement(name: string): void {
    switch (name) {
      case 'value':
        this.valueContents.push(undefined);
        break;
      case 'data':
        this.startData();
        break;
      case 'member':
        this.startMember();
        break;
      case 'name':
        break;
      case 'array':
      case 'struct':
        this.checkNoContentYet(name);
        this.pushContainer(name);
        break;
      default:
        this.checkNoContentYet(name);
    }
  }

  closeElement(name: string, text: string): void {
    switch (name) {
      case 'value':
        this.finishValue(text);
        break;
      case 'array':
      case 'struct':
        this.finishContainer();
        break;
      case 'member':
        this.finishMember();
        break;
      case 'name':
        this.setMemberName(text);
        break;
      case 'data':
        break;
      case 'nil':
        this.setValueContent({ type: 'nil' });
        break;
      default:
        this.setValueContent(decodeScalar(name as ScalarElement, text, this.describeLocation));
    }
  }

  /** Returns the parameter's value. Throws when the `<param>` had no `<value>`. */
  result(): XmlRpcValue {
    if (this.value === undefined) {
      throw new XmlRpcParseError(`missing <value> in parameter ${this.paramIndex}`);
    }
    return this.value;
  }

  private checkNoContentYet(name: string): void {
    if (this.valueContents[this.valueContents.length - 1] !== undefined) {
      throw new XmlRpcParseError(
        `unexpected <${name}> after another type inside <value> ${this.describeLocation()}`,
      );
    }
  }

  private setValueContent(value: XmlRpcValue): void {
    this.valueContents[this.valueContents.length - 1] = value;
  }

  private finishValue(text: string): void {
    // A <value> without a type element is a string made of its text.
    const value = this.valueContents.pop() ?? { type: 'string', value: text };

    if (this.valueContents.length === 0) {
      if (this.value !== undefined) {
        throw new XmlRpcParseError(`unexpected second <value> in parameter ${this.paramIndex}`);
      }
      this.value = value;
      return;
    }

    // A nested <value> belongs to the <data> of the innermost array or to a <member> of the
    // innermost struct.
    const frame = this.containers[this.containers.length - 1];
    if (frame?.kind === 'array') {
      frame.items.push(value);
    } else if (frame?.kind === 'struct') {
      if (frame.memberValue !== undefined) {
        throw new XmlRpcParseError(
          `unexpected second <value> inside <member> ${this.describeLocation()}`,
        );
      }
      frame.memberValue = value;
    }
  }

  private pushContainer(kind: 'array' | 'struct'): void {
    if (this.containers.length >= this.maxDepth) {
      const location = this.describeLocation();
      throw new XmlRpcParseError(
        `nesting deeper than ${this.maxDepth} levels of arrays and structs ${location}`,
        FaultCode.limitExceeded,
      );
    }

    if (kind === 'array') {
      this.containers.push({ kind, items: [], hasData: false });
    } else {
      this.containers.push({
        kind,
        members: new Map(),
        memberName: undefined,
        memberValue: undefined,
      });
    }
  }

  private finishContainer(): void {
    const frame = this.containers.pop();
    if (frame?.kind === 'array') {
      if (!frame.hasData) {
        throw new XmlRpcParseError(`missing <data> inside <array> ${this.describeLocation()}`);
      }
      this.setValueContent({ type: 'array', items: frame.items });
    } else if (frame?.kind === 'struct') {
      this.setValueContent({ type: 'struct', members: frame.members });
    }
  }

  private startData(): void {
    const array = this.innermostArray();
    if (array.hasData) {
      throw new XmlRpcParseError(
        `unexpected second <data> inside <array> ${this.describeLocation()}`,
      );
    }
    array.hasData = true;
  }

  private startMember(): void {
    const struct = this.innermostStruct();
    struct.memberName = undefined;
    struct.memberValue = undefined;
  }

  private setMemberName(text: string): void {
    const struct = this.innermostStruct();
    if (struct.memberName !== undefined) {
      throw new XmlRpcParseError(
        `unexpected second <name> inside <member> ${this.describeLocation()}`,
      );
    }
    struct.memberName = text;
  }

  private finishMember(): void {
    const struct = this.innermostStruct();
    const { memberName, memberValue } = struct;
    struct.memberName = undefined;
    struct.memberValue = undefined;

    if (memberName === undefined) {
      throw new XmlRpcParseError(`missing <name> inside <member> ${this.describeLocation()}`);
    }

    const quotedName = quoteForMessage(memberName);
    if (memberValue === undefined) {
      throw new XmlRpcParseError(
        `missing <value> for struct member ${quotedName} ${this.describeLocation()}`,
      );
    }
    if (struct.members.has(memberName)) {
      throw new XmlRpcParseError(
        `duplicate struct member ${quotedName} ${this.describeLocation()}`,
      );
    }
    struct.members.set(memberName, memberValue);
  }

  // The caller allows <data> only in <array> and <member> only in <struct>, so the
  // innermost frame has the kind that these two methods return.
  private innermostArray(): ArrayFrame {
    return this.containers[this.containers.length - 1] as ArrayFrame;
  }

  private innermostStruct(): StructFrame {
    return this.containers[this.containers.length - 1] as StructFrame;
  }

  private locationDescription(): string {
    const steps: string[] = [];
    this.containers.forEach((frame, depth) => {
      // The <value> that contains this frame is valueContents[depth], so a value being read
      // inside the frame is valueContents[depth + 1].
      const readingItem = this.valueContents.length > depth + 1;
      if (frame.kind === 'array' && readingItem) {
        steps.push(`item ${frame.items.length}`);
      } else if (frame.kind === 'struct' && frame.memberName !== undefined) {
        steps.push(`member ${quoteForMessage(frame.memberName)}`);
      }
    });

    if (steps.length > MAX_LOCATION_STEPS) {
      steps.splice(3, steps.length - MAX_LOCATION_STEPS + 1, '…');
    }
    return [`in parameter ${this.paramIndex}`, ...steps].join(', ');
  }
}
