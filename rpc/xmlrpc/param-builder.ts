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

/**
 * Assembles the value of one `<param>` from the elements inside it.
 *
 * The caller has already checked that each element may appear where it does, and it passes
 * the text of `<value>`, `<name>` and scalar elements when they close.
 */
export class ParamBuilder {
  /** One entry per open `<value>`: its typed content once that has been read. */
  private readonly valueContents: (XmlRpcValue | undefined)[] = [];
  private readonly containers: ContainerFrame[] = [];
  private value: XmlRpcValue | undefined;

  /** Describes the place being read, such as 'in parameter 2, item 3, member "ID"'. */
  readonly describeLocation = (): string => this.describeLocationAt(this.containers.length);

  /**
   * @param paramNumber position of the parameter in the call, counted from 1
   * @param maxDepth maximum number of nested arrays and structs
   */
  constructor(
    private readonly paramNumber: number,
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
      throw new XmlRpcParseError(`parameter ${this.paramNumber} has no <value>`);
    }
    return this.value;
  }

  private checkNoContentYet(name: string): void {
    if (this.valueContents[this.valueContents.length - 1] !== undefined) {
      throw new XmlRpcParseError(
        `<value> has more than one type: found <${name}> after another ${this.describeLocation()}`,
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
        throw new XmlRpcParseError(`parameter ${this.paramNumber} has more than one <value>`);
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
          `struct member has more than one <value> ${this.describeLocation()}`,
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
        throw new XmlRpcParseError(`<array> has no <data> ${this.describeLocation()}`);
      }
      this.setValueContent({ type: 'array', items: frame.items });
    } else if (frame?.kind === 'struct') {
      this.setValueContent({ type: 'struct', members: frame.members });
    }
  }

  private startData(): void {
    const array = this.innermostArray();
    if (array.hasData) {
      const location = this.describeLocationAt(this.containers.length - 1);
      throw new XmlRpcParseError(`<array> has more than one <data> ${location}`);
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
        `struct member has more than one <name> ${this.describeLocation()}`,
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
      throw new XmlRpcParseError(`struct member has no <name> ${this.describeLocation()}`);
    }

    const quotedName = quoteForMessage(memberName);
    if (memberValue === undefined) {
      throw new XmlRpcParseError(
        `struct member ${quotedName} has no <value> ${this.describeLocation()}`,
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

  /** Describes the place being read using the outermost `depth` arrays and structs. */
  private describeLocationAt(depth: number): string {
    let description = `in parameter ${this.paramNumber}`;
    for (const frame of this.containers.slice(0, depth)) {
      if (frame.kind === 'array') {
        description += `, item ${frame.items.length + 1}`;
      } else if (frame.memberName !== undefined) {
        description += `, member ${quoteForMessage(frame.memberName)}`;
      }
    }
    return description;
  }
}
