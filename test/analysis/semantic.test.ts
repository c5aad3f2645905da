import { describe, expect, it } from 'vitest';
import Parser from 'tree-sitter';

import { SemanticModel } from '../../src/analysis/semantic.ts';
import { parsePython, pythonLanguage } from '../../src/parse/parse.ts';

const callsQuery = new Parser.Query(pythonLanguage, '(call) @call');

/** Qualified name of every call in `source`, keyed by `line:callee-text`. */
function resolvedCalls(source: string): Record<string, string | undefined> {
  const parsed = parsePython({ path: 'example.py', text: source, bytes: source.length });
  const model = new SemanticModel(parsed.tree);
  const result: Record<string, string | undefined> = {};
  for (const match of callsQuery.matches(parsed.tree.rootNode)) {
    const call = match.captures[0]?.node;
    if (!call) continue;
    result[`${call.startPosition.row + 1}:${call.childForFieldName('function')?.text}`] = model.qualifiedName(call);
  }
  return result;
}

describe('qualified-name resolution', () => {
  it('follows import aliases, from-imports and dotted imports', () => {
    expect(resolvedCalls([
      'import subprocess as sp',
      'from subprocess import run as r',
      'import os.path',
      'from os import environ',
      'sp.run("ls")',
      'r("ls")',
      'os.path.join("a", "b")',
      'environ.get("HOME")',
    ].join('\n'))).toEqual({
      '5:sp.run': 'subprocess.run',
      '6:r': 'subprocess.run',
      '7:os.path.join': 'os.path.join',
      '8:environ.get': 'os.environ.get',
    });
  });

  it('lets a local def or assignment shadow a builtin, in order at module level', () => {
    expect(resolvedCalls([
      'open("a")',
      'def open(path):',
      '    return path',
      'open("b")',
      'def f():',
      '    print = log',
      '    print("x")',
      'print("y")',
    ].join('\n'))).toEqual({
      '1:open': 'open',
      '4:open': undefined,
      '7:print': undefined,
      '8:print': 'print',
    });
  });

  it('treats parameters as locals that hide imports', () => {
    expect(resolvedCalls('import requests\ndef f(requests):\n    requests.get(u)\nrequests.get(u)\n')).toEqual({
      '3:requests.get': undefined,
      '4:requests.get': 'requests.get',
    });
  });

  it('tracks receivers built from known constructors in the same function or class', () => {
    expect(resolvedCalls([
      'import requests, paramiko, boto3, docker',
      'def f():',
      '    s = requests.Session()',
      '    s.get(u)',
      '    with requests.Session() as t:',
      '        t.post(u)',
      '    ssh = paramiko.SSHClient()',
      '    ssh.exec_command("uptime")',
      '    s3 = boto3.client("s3")',
      '    s3.list_objects_v2(Bucket="b")',
      '    client = docker.from_env()',
      '    client.containers.run("alpine")',
      'def g():',
      '    s.get(u)',
      'class C:',
      '    def __init__(self):',
      '        self.http = requests.Session()',
      '    def ping(self):',
      '        self.http.head(u)',
    ].join('\n'))).toMatchObject({
      '4:s.get': 'requests.Session.get',
      '6:t.post': 'requests.Session.post',
      '8:ssh.exec_command': 'paramiko.SSHClient.exec_command',
      '10:s3.list_objects_v2': 'boto3.client:s3.list_objects_v2',
      '12:client.containers.run': 'docker.from_env.containers.run',
      '14:s.get': undefined,
      '19:self.http.head': 'requests.Session.head',
    });
  });

  it('types a parameter by its annotation', () => {
    expect(resolvedCalls('import requests\ndef f(session: requests.Session, n: int = 1):\n    session.get(u)\n')['3:session.get']).toBe('requests.Session.get');
  });

  it('forgets the type of a name bound to two different constructors', () => {
    expect(resolvedCalls([
      'import requests, httpx',
      'def f(flag):',
      '    c = requests.Session()',
      '    c = httpx.Client()',
      '    c.get(u)',
    ].join('\n'))['5:c.get']).toBeUndefined();
  });

  it('resolves a method on an inline constructor call', () => {
    expect(resolvedCalls('import requests\nrequests.Session().get(u)\n')['2:requests.Session().get']).toBe('requests.Session.get');
  });
});
